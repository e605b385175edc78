import Foundation

/// Paths to the bundled `data/` folder and to `../shared/data` (which may be absent).
public enum Fixtures {
    /// The package root, derived from this file's path (Sources/TestSupport/Fixtures.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `data/` inside the package: always present.
    public static var bundledData: URL { packageRoot.appendingPathComponent("data") }

    /// The files of one fuzz target's regression corpus (Tests/Corpus/fuzz/TARGET, see
    /// docs/fuzzing.md), sorted, without hidden files.
    public static func fuzzCorpus(_ target: String) throws -> [String] {
        let directory = packageRoot.appendingPathComponent("Tests/Corpus/fuzz/\(target)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    /// `../shared/data` beside the package, or nil when it is not there.
    public static var sharedData: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The message tests print when they skip for lack of `../shared/data`.
    public static let sharedDataMissing = "../shared/data is absent: skipping a test that needs the shared data files"

    /// A fresh empty directory under the system temporary directory, removed with its contents when
    /// the test process exits (set `CHARVEC_KEEP_TEST_FILES=1` to keep them for a look).
    public static func temporaryDirectory(_ name: String = "charvec-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryDirectories.shared.add(url)
        return url
    }

    /// Writes `bytes` to a new file in `directory` and returns its path.
    @discardableResult
    public static func write(_ bytes: [UInt8], named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes `text` as UTF-8.
    @discardableResult
    public static func write(_ text: String, named name: String, in directory: URL) throws -> String {
        try write(Array(text.utf8), named: name, in: directory)
    }
}

/// The directories ``Fixtures/temporaryDirectory(_:)`` made, removed at exit.
final class TemporaryDirectories: @unchecked Sendable {
    static let shared = TemporaryDirectories()
    private let lock = NSLock()
    private var urls: [URL] = []
    private var registered = false

    func add(_ url: URL) {
        lock.lock()
        defer { lock.unlock() }
        urls.append(url)
        if !registered {
            registered = true
            atexit { TemporaryDirectories.shared.removeAll() }
        }
    }

    func removeAll() {
        guard ProcessInfo.processInfo.environment["CHARVEC_KEEP_TEST_FILES"] == nil else { return }
        lock.lock()
        defer { lock.unlock() }
        for url in urls { try? FileManager.default.removeItem(at: url) }
        urls.removeAll()
    }
}
