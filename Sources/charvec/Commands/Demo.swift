import ArgumentParser
import BundledData
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension CharVec {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the main job on the bundled sample: audit and repair, train, neighbours of out-of-vocabulary words.",
            discussion: """
            Needs no other files: the 2,000-word sample and a copy with planted defects (an all-zero \
            row, a NaN, an Inf, a duplicated word) are built into charvec. The demo copies them to OUT \
            and runs, from there, the commands it prints ('$ charvec …'), so each step can be repeated \
            by hand.

            Audit: 'info' on the sample, 'audit' on the planted copy (each defect with its file:line).

            Repair: 'sanitize' writes repaired.vec and changes.tsv; 'audit' then finds it clean.

            Train: 'train' on the planted copy excludes the bad rows; then a model of the sample with \
            train's defaults (two BiGRU members + a subword head of hashed character n-grams, contrastive loss) reports validation \
            mean cosine, hit@10 and MRR per epoch, compares itself with a bag-of-n-grams baseline on the \
            same split and draws its learning curve in curve.svg.

            Neighbours of OOV words: 'neighbors --model' for misspellings (goverment, runing, \
            kingdomz) and new forms (governmental, universities, footballers); 'embed' writes \
            their vectors to oov.vec.

            about 25 s on 2 cores (release build); --quick trains a tiny model for one epoch.

            Examples:
              charvec demo
              charvec demo --out /tmp/charvec-demo --epochs 20 --seed 7
            """)

        @Option(help: "Folder for the files the demo writes, created if missing (default: a new temporary folder).")
        var out: String?

        @Option(help: "Training epochs of the sample model (default: train's default, or 1 with --quick).")
        var epochs: Int?

        @Option(help: "Random seed of the training runs (initialisation, split, batches, dropout, negatives).")
        var seed: UInt64 = 1

        @Flag(help: "Train a tiny model for one epoch (a few seconds; for tests).")
        var quick = false

        /// Misspellings, then new compounds: none of them is in the sample.
        static let outOfVocabularyWords = ["goverment", "runing", "kingdomz", "governmental", "universities", "footballers"]

        func validate() throws {
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        }

        func run() throws {
            let start = DispatchTime.now()
            guard let data = BundledData.directory else {
                return try reportingErrors {
                    throw CommandError.missingBundledData(looked: BundledData.candidateDirectories.map(\.path))
                }
            }
            let folder = try makeOutputFolder()
            let sample = BundledData.sampleName, planted = BundledData.plantedName
            try reportingErrors {
                for name in [sample, planted] {
                    try copyReplacing(data.appendingPathComponent(name), to: folder.appendingPathComponent(name))
                }
            }
            // The steps name their files relative to OUT, as a user repeating them there would.
            guard FileManager.default.changeCurrentDirectoryPath(folder.path) else {
                return try reportingErrors { throw CommandError.cannotWriteFolder(path: folder.path, reason: "cannot enter it") }
            }
            print("charvec demo: the bundled 2,000-word sample and a copy with planted defects, in \(folder.path)")

            section("Audit", "the sample, then the copy with planted defects (audit exits 1: it finds errors)")
            try step(Info.self, [sample])
            try step(Audit.self, [planted, "--max-locations", "3"], allowedExitCode: 1)

            section("Repair", "a repaired copy, every change logged, audited again")
            try step(Sanitize.self, [planted, "repaired.vec", "--log", "changes.tsv"])
            try step(Audit.self, ["repaired.vec", "--fail-on", "warning"])

            section("Train", "the planted rows are excluded, never trained on; then a model of the sample")
            let tiny = ["--hidden", "16", "--char-dim", "8", "--mlp-hidden", "32", "--members", "1"]
            try step(Train.self, [planted, "--out", "tiny.cvm", "--epochs", "1"] + tiny + ["--seed", "\(seed)"])
            let model = quick ? tiny : []
            try step(Train.self, [sample, "--out", "model.cvm", "--epochs", "\(epochs ?? (quick ? 1 : TrainDefaults.epochs))"]
                     + model + ["--patience", "0", "--seed", "\(seed)", "--plot", "curve.svg"])

            section("Neighbours of OOV words", "misspellings and new compounds, through the model")
            try step(Neighbors.self, [sample, "--model", "model.cvm", "--top", "5"] + Self.outOfVocabularyWords)
            try step(Embed.self, ["model.cvm"] + Self.outOfVocabularyWords + ["--output", "oov.vec"])
            print("wrote the predicted vectors of \(Self.outOfVocabularyWords.count) words to oov.vec")

            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            print("")
            print(String(format: "done in %.0f s; files in %@", seconds, folder.path))
            print("learning curve: \(folder.appendingPathComponent("curve.svg").path)")
        }

        /// `--out` made absolute and created, or a new folder under the temporary directory.
        func makeOutputFolder() throws -> URL {
            try reportingErrors {
                if let out {
                    let url = URL(fileURLWithPath: out).standardizedFileURL
                    do {
                        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                    } catch {
                        throw CommandError.cannotWriteFolder(path: out, reason: (error as NSError).localizedDescription)
                    }
                    return url
                }
                var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("charvec-demo-XXXXXX").path.utf8CString)
                guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                    throw CommandError.cannotWriteFolder(path: FileManager.default.temporaryDirectory.path,
                                                         reason: String(cString: strerror(errno)))
                }
                return URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            }
        }

        /// Copies a bundled file into OUT (nothing to do when OUT is the bundled folder itself).
        func copyReplacing(_ source: URL, to destination: URL) throws {
            if source.resolvingSymlinksInPath().path == destination.resolvingSymlinksInPath().path { return }
            do {
                if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
                try FileManager.default.copyItem(at: source, to: destination)
            } catch {
                throw CommandError.cannotWriteFolder(path: destination.path, reason: (error as NSError).localizedDescription)
            }
        }

        func section(_ title: String, _ subtitle: String) {
            print("")
            print(Self.styled("== \(title) ==") + "  " + subtitle)
        }

        /// Prints `$ charvec NAME ARGUMENTS…`, then runs that subcommand in this process (the very code
        /// the command line runs). `allowedExitCode` is an exit status the step is expected to end with.
        func step<Command: ParsableCommand>(_ command: Command.Type, _ arguments: [String], allowedExitCode: Int32? = nil) throws {
            let name = Command.configuration.commandName ?? String(describing: Command.self).lowercased()
            print("")
            print(Self.styled("$ charvec \(name) " + arguments.map(Self.quoted).joined(separator: " ")))
            fflush(nil)  // subcommands write diagnostics straight to stderr
            var parsed = try Command.parse(arguments)
            do {
                try parsed.run()
            } catch let exit as ExitCode where exit.rawValue == allowedExitCode {
                print("(exit status \(exit.rawValue), as expected)")
            }
            fflush(nil)
        }

        static func quoted(_ argument: String) -> String {
            argument.contains(where: { $0 == " " || $0 == "'" }) ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
        }

        /// Bold on a terminal.
        static func styled(_ text: String) -> String {
            isatty(1) != 0 ? "\u{1B}[1m\(text)\u{1B}[0m" : text
        }
    }
}
