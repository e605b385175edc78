import ArgumentParser
import CharvecRuntime
import Tensor

@main
struct CharVec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charvec",
        abstract: "Read, audit and repair word-embedding files; give out-of-vocabulary words vectors.",
        discussion: """
        Formats: word2vec text (header 'count dim'), GloVe text (no header), word2vec binary, \
        each optionally gzipped (detected from the bytes, not the name); NumPy .npy (+ NAME.vocab.txt), \
        safetensors and fastText .bin models (see docs/formats.md). '-' reads standard input. \
        'charvec demo' runs the main job on the bundled sample and prints each command it uses.

        Examples:
          charvec demo
          charvec audit vectors.vec.gz
          charvec train vectors.vec.gz --out model.cvm --plot curve.svg
          charvec neighbors vectors.vec.gz --model model.cvm goverment

        Shell completion: 'charvec --generate-completion-script bash' (or zsh, fish); \
        tools/completions.sh writes all three to a folder.
        """,
        version: "0.1.0",
        subcommands: [Info.self, Convert.self, Select.self, Audit.self, Sanitize.self, Train.self, Embed.self, Extend.self,
                      Neighbors.self, Analogy.self, Eval.self, BuildIndex.self, Demo.self]
    )

    /// An interrupted run (Ctrl-C, SIGTERM, SIGHUP) deletes the temporary file it was writing;
    /// the previous output under the final name is untouched either way.
    static func main() {
        KernelChoice.restartOnBetterKernelsIfNeeded()  // may restart the process on wider OpenBLAS kernels
        InterruptCleanup.installHandlers()
        // 'charvec help NOSUCH' would print the general help and exit 0: refuse it like any unknown command.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count >= 2, arguments[0] == "help", !arguments[1].hasPrefix("-") {
            let names = configuration.subcommands.map { $0._commandName } + ["help"]
            if !names.contains(arguments[1]) {
                exit(withError: ValidationError("unknown subcommand '\(arguments[1])'; 'charvec --help' lists them."))
            }
        }
        main(nil)
    }
}
