import Foundation

/// Whether two paths name one file, so a command can refuse to overwrite its own input.
enum FileIdentity {
    /// True when both paths resolve to the same absolute path (symbolic links followed), or
    /// when both exist with the same device and inode (hard links, bind mounts).
    static func same(_ first: String, _ second: String) -> Bool {
        guard first != "-" && second != "-" else { return false }
        let a = URL(fileURLWithPath: first).standardizedFileURL.resolvingSymlinksInPath().path
        let b = URL(fileURLWithPath: second).standardizedFileURL.resolvingSymlinksInPath().path
        if a == b { return true }
        var statA = stat(), statB = stat()
        guard stat(first, &statA) == 0, stat(second, &statB) == 0 else { return false }
        return statA.st_dev == statB.st_dev && statA.st_ino == statB.st_ino
    }
}
