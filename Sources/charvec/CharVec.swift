import ArgumentParser

@main
struct CharVec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charvec",
        abstract: "Read, audit and repair word-embedding files; give out-of-vocabulary words vectors.",
        discussion: """
        Formats: word2vec text (header 'count dim'), GloVe text (no header), word2vec binary,
        each optionally gzipped (detected from the bytes, not the name). '-' reads standard input.
        """,
        version: "0.1.0",
        subcommands: [Info.self, Convert.self, Audit.self, Sanitize.self, Train.self, Embed.self, Extend.self,
                      Neighbors.self, Analogy.self, Eval.self, BuildIndex.self, Demo.self]
    )
}
