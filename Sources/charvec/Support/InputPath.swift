import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks a path given on the command line before a library opens it, so that a directory or a
/// missing file is named plainly ("is a directory") instead of with a Foundation error code.
enum InputPath {
    /// - Throws: ``CommandError/cannotRead(path:reason:)`` when `path` is not a readable file
    ///   (`-`, standard input, always passes).
    static func check(_ path: String) throws {
        guard path != "-" else { return }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CommandError.cannotRead(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        if status.st_mode & S_IFMT == S_IFDIR { throw CommandError.cannotRead(path: path, reason: "is a directory") }
        guard access(path, R_OK) == 0 else { throw CommandError.cannotRead(path: path, reason: "permission denied") }
    }

    /// The directory that will hold `path` (an output) must exist: checked before any work.
    static func checkOutputDirectory(_ path: String, option: String) throws {
        guard path != "-" else { return }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option): the directory '\(directory)' does not exist.")
        }
    }
}
