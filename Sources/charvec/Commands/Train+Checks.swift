import ArgumentParser
import EmbeddingCore
import Foundation
import NeuralNet
import Training
#if canImport(Glibc)
import Glibc
#endif

/// Checks `charvec train` makes before it spends time: output folders, a resumed run's options,
/// memory, and targets that leave nothing to learn.
extension CharVec.Train {
    /// Every file the run will write must have an existing, writable folder (checked before loading
    /// and training, not after).
    func checkOutputPaths(checkpointPath: String) throws {
        for (flag, path) in [("--out", out), ("--checkpoint", checkpointPath), ("--plot", plot), ("--log", log)] {
            guard let path else { continue }
            let folder = (path as NSString).deletingLastPathComponent
            let directory = folder.isEmpty ? "." : folder
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw ValidationError("\(flag) \(path): the folder '\(directory)' does not exist; create it first.")
            }
            if access(directory, W_OK) != 0 {
                throw ValidationError("\(flag) \(path): the folder '\(directory)' is not writable.")
            }
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("\(flag) \(path) is a folder; give a file name.")
            }
        }
    }

    /// The command-line flag of each configuration field a resumed run must keep.
    static let resumeFlags: [(key: String, flag: String)] = [
        ("model.cell", "--cell"), ("model.layers", "--layers"), ("model.hiddenSize", "--hidden"),
        ("model.characterDimensions", "--char-dim"), ("model.mlpHiddenSize", "--mlp-hidden"), ("model.dropout", "--dropout"),
        ("model.initialization", "--initialization"), ("model.ngrams.buckets", "--ngram-buckets"), ("loss", "--loss"),
        ("negatives", "--negatives"), ("margin", "--margin"), ("temperature", "--temperature"), ("cosineWeight", "--cos-weight"),
        ("auxiliaryWeight", "--aux-weight"), ("subwordWeight", "--subword-weight"), ("subwordFolds", "--subword-folds"), ("subwordFit", "--subword-fit"), ("headInput", "--head-input"),
        ("ngramLearningRate", "--ngram-lr"), ("augmentation", "--augment"), ("typoRate", "--typo-rate"),
        ("learningRate", "--lr"), ("epochDecay", "--lr-decay"), ("weightAverage", "--ema"), ("batchSize", "--batch"), ("clip", "--clip"), ("maxLength", "--max-length"),
        ("lowercase", "--lowercase"), ("seed", "--seed"), ("members", "--members"), ("spikeFactor", "--spike-factor"),
        ("collapseThreshold", "--collapse-threshold"), ("maxRecoveries", "--max-recoveries"),
    ]

    /// A resumed run continues with the checkpoint's options. An option given with another value
    /// than the checkpoint's is refused (the run would silently not be what was asked); options
    /// left at their defaults are taken from the checkpoint, and a note lists them.
    func checkResumeOptions(requested: TrainingConfiguration, saved: TrainingConfiguration) throws {
        let defaults = try Self.parse([vectors, "--out", out]).makeConfiguration()
        let mine = Self.flatten(requested), theirs = Self.flatten(saved), standard = Self.flatten(defaults)
        var conflicts: [String] = [], inherited: [String] = []
        for (key, flag) in Self.resumeFlags {
            let a = mine[key] ?? "none", b = theirs[key] ?? "none", d = standard[key] ?? "none"
            guard a != b else { continue }
            // An explicit --ngram-buckets conflicts even when it equals the default (0 = no table).
            let given = key == "model.ngrams.buckets" ? ngramBuckets != nil : a != d
            if given { conflicts.append("\(flag) \(a) (the checkpoint has \(b))") } else { inherited.append("\(flag) \(b)") }
        }
        if !conflicts.isEmpty {
            Diagnostics.printLine("\(resume ?? ""): error: the checkpoint was made with other options: " + conflicts.joined(separator: ", "))
            Diagnostics.printNote("leave these options out to continue the original run, or start a new run without --resume")
            throw ExitCode(1)
        }
        if !inherited.isEmpty { Diagnostics.printNote("continuing with the checkpoint's options: " + inherited.joined(separator: " ")) }
    }

    /// Leaf values of a configuration's JSON form, by dotted key.
    static func flatten(_ configuration: TrainingConfiguration) -> [String: String] {
        guard let data = try? JSONEncoder().encode(configuration),
              let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var out: [String: String] = [:]
        func walk(_ value: Any, _ prefix: String) {
            if let dictionary = value as? [String: Any] {
                for (k, v) in dictionary { walk(v, prefix.isEmpty ? k : prefix + "." + k) }
            } else {
                out[prefix] = "\(value)"
            }
        }
        walk(object, "")
        return out
    }

    /// Refuses a model whose weights, gradients, optimiser state, snapshots and n-gram table would
    /// not fit in memory, before allocating any of it.
    func checkMemory(_ configuration: TrainingConfiguration, data: TrainingData) throws {
        var model = configuration.model
        model.vocabularySize = max(model.vocabularySize, 2)
        model.outputDimensions = data.dimensions
        let dense = Double(model.parameterCount ?? Int.max)
        let table = Double(model.ngramTableCount ?? Int.max)
        // Dense: weights, gradients, 2 moments, snapshot (3), best. Table: values, 2 moments, snapshot (3), best.
        // A bag being fitted (the subword head's, one of its folds', the baseline's): values and 2
        // Adam moments, or for a ridge fit values and 4 arrays over the used buckets (at most all);
        // plus the head's values, kept.
        let bagValues = Double(NgramBaseline.Settings(trainingWords: data.trainCount).ngrams.buckets) * Double(data.dimensions)
        let fit = subwordWeight > 0 && configuration.subwordFit == .ridge ? 5 * bagValues : 3 * bagValues
        let bag = (subwordWeight > 0 || baseline ? fit : 0) + (subwordWeight > 0 ? bagValues : 0)
        let bytes = 4 * (8 * dense + 7 * table + bag)
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        guard physical > 0, bytes > 0.8 * physical else { return }
        let gib = { (x: Double) in String(format: "%.1f GiB", x / 1_073_741_824) }
        Diagnostics.printLine("\(vectors): error: this model needs about \(gib(bytes)) for its weights and optimiser state; the machine has \(gib(physical))")
        Diagnostics.printNote("lower --hidden, --mlp-hidden, --layers or --ngram-buckets, or pass --subword-weight 0 --no-baseline")
        throw ExitCode(1)
    }

    /// Warns when most training targets are one identical vector: the model can learn nothing but
    /// that vector, and predictions that agree are then correct, not a collapse. Returns true when
    /// the collapse guard should stand down for this run.
    func warnAboutIdenticalTargets(_ data: TrainingData) -> Bool {
        let n = data.trainCount, d = data.dimensions
        guard n >= 2 else { return false }
        // Rows counted by a hash of their bits (a collision could only merge two counts).
        var counts: [Int: Int] = [:]
        data.targets.withUnsafeBufferPointer { all in
            for r in 0 ..< n {
                var hasher = Hasher()
                for j in 0 ..< d { hasher.combine(all[r * d + j].bitPattern) }
                counts[hasher.finalize(), default: 0] += 1
            }
        }
        guard let largest = counts.values.max(), largest * 2 > n else { return false }
        Diagnostics.printLine("\(vectors): warning: \(largest) of \(n) training words share one identical vector; "
                              + "the model can only learn that vector (collapse detection is off for this run)")
        Diagnostics.printNote("'charvec audit \(vectors)' lists the words that share a vector")
        return true
    }
}
