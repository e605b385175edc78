import Foundation

/// The sample files of this folder, found at run time.
///
/// SwiftPM builds this folder as a resource-only module: the build copies `en-2k-384d.vec.gz` and
/// `planted-defects.vec` into `charvec_BundledData.resources` beside the executable, so a binary
/// moved together with that folder still finds them. A binary copied alone falls back to this
/// source folder (a path fixed at compile time). The generated `Bundle.module` is not used: it
/// stops the process when the resources are missing, and this lets the caller report it instead.
public enum BundledData {
    /// The word2vec text sample, gzip, 2,000 × 384.
    public static let sampleName = "en-2k-384d.vec.gz"
    /// The first 60 rows of the sample with planted defects (see README.md here).
    public static let plantedName = "planted-defects.vec"
    /// The resource folder's name beside the executable.
    public static let resourceFolderName = "charvec_BundledData.resources"

    /// Where the files are looked for, in order.
    public static var candidateDirectories: [URL] {
        [Bundle.main.bundleURL.appendingPathComponent(resourceFolderName),
         URL(fileURLWithPath: #filePath).deletingLastPathComponent()]
    }

    /// The first candidate folder holding both files, or nil.
    public static var directory: URL? {
        candidateDirectories.first { folder in
            [sampleName, plantedName].allSatisfy {
                FileManager.default.isReadableFile(atPath: folder.appendingPathComponent($0).path)
            }
        }
    }
}
