import ArgumentParser
import EmbeddingIO

extension EmbeddingFormat: ExpressibleByArgument {}
extension UnicodeErrorPolicy: ExpressibleByArgument {}

/// Options every command that reads an embedding file shares.
struct InputOptions: ParsableArguments {
    @Option(help: "Force the input format instead of detecting it (text, binary, glove).")
    var format: EmbeddingFormat?

    @Option(help: "Read only the first N rows.")
    var limit: Int?

    @Flag(help: "Fold words to lowercase while reading (collisions are kept and reported as duplicates).")
    var lowercase = false

    @Option(help: "What to do with words that are not valid UTF-8: strict (stop) or replace (keep raw bytes).")
    var unicodeErrors: UnicodeErrorPolicy = .strict

    @Option(help: "Threads for parsing text.")
    var threads: Int = 2

    func validate() throws {
        if let limit { try OptionValidation.positive(limit, option: "--limit") }
        try OptionValidation.threads(threads)
    }

    var readOptions: ReadOptions {
        ReadOptions(format: format, limit: limit, lowercase: lowercase, unicodeErrors: unicodeErrors, threads: threads)
    }
}
