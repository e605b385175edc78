// neural-bench: forward + backward + clip + guard + Adam throughput of CharToVectorModel,
// on the same words and exact-length batching as the PyTorch reference's --bench mode.
// Prints one JSON line. Usage:
//   neural-bench --words words.txt [--cell lstm] [--hidden 50] [--batch 64] [--threads 2]
//                [--split] [--seconds 20] [--warmup 3] [--char-dim 20] [--mlp 100] [--out 384]
import Foundation
import NeuralNet
import Tensor

struct Options {
    var words = ""
    var cell = RecurrentCellKind.lstm
    var hidden = 50, batch = 64, threads = 1, charDim = 20, mlp = 100, out = 384, layers = 1
    var split = false, directions = false
    var seconds = 20.0, warmup = 3.0
    var seed: UInt64 = 1
}

func parse() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        func value() -> String {
            guard let v = args.next() else { fatalError("\(a) needs a value") }
            return v
        }
        switch a {
        case "--words": o.words = value()
        case "--cell": o.cell = RecurrentCellKind(rawValue: value()) ?? .lstm
        case "--hidden": o.hidden = Int(value())!
        case "--batch": o.batch = Int(value())!
        case "--threads": o.threads = Int(value())!
        case "--char-dim": o.charDim = Int(value())!
        case "--mlp": o.mlp = Int(value())!
        case "--out": o.out = Int(value())!
        case "--layers": o.layers = Int(value())!
        case "--split": o.split = true
        case "--directions": o.directions = true
        case "--seconds": o.seconds = Double(value())!
        case "--warmup": o.warmup = Double(value())!
        case "--seed": o.seed = UInt64(value())!
        default: fatalError("unknown option \(a)")
        }
    }
    precondition(!o.words.isEmpty, "--words FILE is required")
    return o
}

func run() throws {
    KernelChoice.restartOnBetterKernelsIfNeeded()  // as charvec does: kernels from the CPU's features
    let o = parse()
    let text = try String(contentsOfFile: o.words, encoding: .utf8)
    let words = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
    // Character vocabulary as the reference builds it: 0 = padding, 1 = unknown, then sorted code points.
    let alphabet = Set(words.flatMap { $0.unicodeScalars }).sorted { $0.value < $1.value }
    var charID: [Unicode.Scalar: Int32] = [:]
    for (i, c) in alphabet.enumerated() { charID[c] = Int32(i + 2) }
    let encoded: [[Int32]] = words.map { w in
        let ids = w.unicodeScalars.map { charID[$0] ?? 1 }
        return ids.isEmpty ? [1] : ids
    }

    var configuration = CharToVectorConfiguration(vocabularySize: alphabet.count + 2)
    configuration.cell = o.cell
    configuration.layers = o.layers
    configuration.characterDimensions = o.charDim
    configuration.hiddenSize = o.hidden
    configuration.mlpHiddenSize = o.mlp
    configuration.outputDimensions = o.out
    configuration.seed = o.seed
    let model = CharToVectorModel(configuration: configuration)
    if o.directions {
        BLAS.setThreadCount(1)
        model.parallelizesDirections = o.threads > 1
    } else if o.split {
        BLAS.setThreadCount(1)
        model.threadCount = o.threads
    } else {
        BLAS.setThreadCount(o.threads)
    }
    var adam = Adam(parameterCount: model.parameters.scalarCount, learningRate: 1e-3)

    // Random unit targets (throughput does not depend on their values).
    var rng = SplitMix64(seed: o.seed)
    let targetTable: [Scalar] = (0..<encoded.count * o.out).map { _ in rng.normal() / Scalar(o.out).squareRoot() }

    // Exact-length buckets, chunked into batches, shuffled each epoch.
    var byLength: [Int: [Int]] = [:]
    for (i, e) in encoded.enumerated() { byLength[e.count, default: []].append(i) }
    func epochBatches() -> [[Int]] {
        var out: [[Int]] = []
        for length in byLength.keys.sorted() {
            var idx = byLength[length]!
            idx.shuffle(using: &rng)
            out += stride(from: 0, to: idx.count, by: o.batch).map { Array(idx[$0 ..< min($0 + o.batch, idx.count)]) }
        }
        out.shuffle(using: &rng)
        return out
    }
    let prepared: [[Int]] = epochBatches()

    let mse = MSELoss()
    var flops = 0.0
    func step(_ indices: [Int]) -> Int {
        let batch = CharacterBatch(sequences: indices.map { encoded[$0] }, paddingIndex: 0)
        var targets = Matrix(rows: indices.count, columns: o.out)
        for (r, i) in indices.enumerated() {
            targets.storage.replaceSubrange(r * o.out ..< (r + 1) * o.out, with: targetTable[i * o.out ..< (i + 1) * o.out])
        }
        model.zeroGradients()
        let (loss, d) = mse(model.forward(batch), targets)
        model.backward(d)
        let norm = model.gradients.globalNorm
        GradientClipping.clip(&model.gradients, globalNorm: norm, maxNorm: 5)
        do {
            try NonFiniteGuard.validate(loss: loss, gradients: model.gradients, globalNorm: norm)
            adam.update(&model.parameters, gradients: model.gradients, twoThreads: o.threads > 1)
        } catch {
            FileHandle.standardError.write("skipped step: \(error)\n".data(using: .utf8)!)
        }
        flops += model.flopsPerStep(sequences: PackedSequences(lengths: batch.lengths.map { Int($0) }))
        return batch.lengths.reduce(0) { $0 + Int($1) }
    }

    let clock = ContinuousClock()
    var cursor = 0
    var batches = prepared
    func nextBatch() -> [Int] {
        if cursor == batches.count { batches = epochBatches(); cursor = 0 }
        cursor += 1
        return batches[cursor - 1]
    }
    let warmStart = clock.now
    while clock.now - warmStart < .milliseconds(Int(o.warmup * 1000)) { _ = step(nextBatch()) }
    flops = 0
    var nWords = 0, nChars = 0, nSteps = 0
    let start = clock.now
    let busy0 = systemBusySeconds(), cpu0 = processCPUSeconds()
    var elapsed = 0.0
    repeat {
        let b = nextBatch()
        nChars += step(b)
        nWords += b.count
        nSteps += 1
        let e = clock.now - start
        elapsed = Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
    } while elapsed < o.seconds

    let others = max(0, (systemBusySeconds() - busy0) - (processCPUSeconds() - cpu0)) / elapsed
    let mode = o.directions ? "directions" : (o.split ? "split" : "blas")
    print("{\"impl\": \"charvec\", \"cell\": \"\(o.cell)\", \"hidden\": \(o.hidden), \"batch\": \(o.batch), "
          + "\"threads\": \(o.threads), \"mode\": \"\(mode)\", \"seconds\": \(String(format: "%.2f", elapsed)), "
          + "\"steps\": \(nSteps), \"words\": \(nWords), \"words_per_sec\": \(String(format: "%.1f", Double(nWords) / elapsed)), "
          + "\"chars_per_word\": \(String(format: "%.3f", Double(nChars) / Double(nWords))), "
          + "\"flops_per_word\": \(String(format: "%.0f", flops / Double(nWords))), "
          + "\"gflops\": \(String(format: "%.2f", flops / elapsed / 1e9)), \"params\": \(model.parameters.scalarCount), "
          + "\"proc_cpu_util\": \(String(format: "%.3f", (processCPUSeconds() - cpu0) / elapsed)), "
          + "\"other_procs_cpu_util\": \(String(format: "%.3f", others)), "
          + "\"blas_core\": \"\(BLAS.coreName)\", \"c_kernels\": \"\(Kernels.implementation.description)\"}")

}

try run()

/// CPU-seconds the whole machine spent busy (from /proc/stat), as the reference measures it.
func systemBusySeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = stat.split(separator: "\n").first else { return .nan }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count > 4 else { return .nan }
    return (v.reduce(0, +) - v[3] - v[4]) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// CPU-seconds used by this process (all threads).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}
