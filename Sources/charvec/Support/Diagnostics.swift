import ArgumentParser
import EmbeddingIO
#if canImport(Glibc)
import Glibc
#endif

/// Prints diagnostics as `path:line:column: error: message` with `note:` lines, on stderr.
enum Diagnostics {
    static func printError(_ error: Error) {
        switch error {
        case let error as EmbeddingFileError:
            printLine("\(error.description)")
            if let hint = error.hint { printLine("note: \(hint)") }
        case let error as EmbeddingWriteError:
            printLine(error.description)
            if let hint = error.hint { printLine("note: \(hint)") }
        case let error as DiagnosableError:
            printLine(error.diagnostic)
            if let note = error.note { printLine("note: \(note)") }
        default:
            printLine("charvec: error: \(error)")
        }
    }

    static func printNote(_ text: String) { printLine("note: \(text)") }
    static func printWarning(_ path: String, _ text: String) { printLine("\(path): warning: \(text)") }

    /// Prints `text` on stderr; control characters from the user's data (ANSI escapes, NUL) are escaped.
    static func printLine(_ text: String) {
        var line = DisplayText.escaped(text, keepingNewlines: true) + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Whether stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

/// Runs `body`, printing library errors as diagnostics and exiting with `code`.
func reportingErrors<T>(exitCode code: Int32 = 1, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as EmbeddingFileError {
        Diagnostics.printError(error)
        throw ExitCode(code)
    } catch let error as EmbeddingWriteError {
        Diagnostics.printError(error)
        throw ExitCode(code)
    } catch let error as DiagnosableError {
        Diagnostics.printError(error)
        throw ExitCode(code)
    }
}
