import Foundation

/// What a run of the `charvec` executable produced.
public struct CLIResult: Sendable {
    /// The exit status, or the signal number when ``signaled``.
    public var status: Int32
    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdout: String
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderr: String
    /// Standard output as bytes, for binary output.
    public var stdoutData: Data
    /// The process died of a signal (`status` is then the signal number).
    public var signaled = false

    public init(status: Int32, stdout: String, stderr: String, stdoutData: Data, signaled: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutData = stdoutData
        self.signaled = signaled
    }
}

/// Runs the built `charvec` binary for end-to-end tests (swift-argument-parser's
/// `AssertExecuteCommand` does the same for its examples).
public enum CLIRunner {
    /// The `charvec` executable: SwiftPM puts it beside the test bundle, whose path is the test
    /// process's first argument.
    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("charvec")
    }

    /// Runs `charvec arguments…` (in `directory` when given), feeding `stdin`, and returns status, stdout and stderr.
    /// `environment` overrides variables of this process's environment; a nil value removes one.
    @discardableResult
    public static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil,
                           environment: [String: String?] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData,
                         signaled: process.terminationReason == .uncaughtSignal)
    }
}
