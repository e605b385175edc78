import ArgumentParser
import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import Training

extension LossKind: ExpressibleByArgument {}
extension RecurrentCellKind: ExpressibleByArgument {}
extension InitializationScheme: ExpressibleByArgument {}
extension Augmentation: ExpressibleByArgument {}
extension SubwordFit: ExpressibleByArgument {}

extension CharVec {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a character-level model that predicts a word's normalised vector from its spelling.",
            discussion: """
            The default model is a bidirectional GRU over the characters followed by an MLP (Mimick); \
            --ngram-buckets N adds the mean of a trainable hashed table of the word's character 3–6-grams \
            (fastText-style, the hybrid model). It trains with a contrastive loss: a softmax \
            over the cosines between the prediction and every training target (--temperature), plus a pull \
            toward the word's own target (--cos-weight). A subword head (a bag of n-grams fitted by ridge regression, \
            --subword-weight) is added to every prediction, and the model trains through it: each training \
            word's prediction is blended with a bag fitted without that word (--subword-folds). \
            By default two such networks are trained one after another from their own seeds and their unit \
            predictions averaged (--members; each member stops early on its own). After training, the validation figures are printed \
            beside a bag-of-n-grams baseline fitted on the same split, with the share of typos of validation \
            words that find their word (docs/training.md). Zero and non-finite rows are excluded and duplicates resolved before training (a summary says how many). \
            Every step is guarded: a NaN/Inf loss or gradient, a loss spike or a collapse of the predictions \
            restores the last good weights and halves the learning rate; after --max-recoveries the run stops \
            and says why. Each member's epoch with the best validation MRR is saved to --out; a checkpoint is written \
            after every epoch (--resume continues it exactly).

            Examples:
              charvec train vectors.vec.gz --out model.cvm --epochs 15 --plot curve.svg
              charvec train vectors.vec --out m.cvm --augment typos --cell gru
              charvec train vectors.vec --out m.cvm --loss margin --members 1
              charvec train vectors.vec --out m.cvm --epochs 30 --resume m.cvm.checkpoint
            """)

        @Argument(help: "The embedding table to learn from (any format charvec reads).")
        var vectors: String

        @Option(help: "Where to write the trained model.")
        var out: String

        @OptionGroup var input: InputOptions

        @Option(help: "Recurrent cell: lstm or gru.")
        var cell: RecurrentCellKind = TrainDefaults.cell
        @Option(help: "Hidden units per direction of the recurrent layers.")
        var hidden: Int = TrainDefaults.hidden
        @Option(help: "Recurrent layers.")
        var layers: Int = 1
        @Option(help: "Character embedding size.")
        var charDim: Int = TrainDefaults.charDim
        @Option(help: "Hidden units of the MLP after the recurrent layers.")
        var mlpHidden: Int = TrainDefaults.mlpHidden
        @Option(help: "Rows of a trainable hashed character 3–6-gram table whose mean is added to the recurrent part's output (the hybrid model; about 6 per training word). Default 0: none (the subword head already brings the word's n-grams).")
        var ngramBuckets: Int?
        @Option(help: "Adam learning rate of the n-gram table (sparse updates).")
        var ngramLr: Float = TrainDefaults.ngramLearningRate
        @Option(help: "Loss: contrastive (softmax over cosines to every training target, plus --cos-weight × cosine distance), margin (max-margin cosine with sampled negatives), mse (squared distance to the unit target), cosine.")
        var loss: LossKind = TrainDefaults.loss
        @Option(help: "Softmax temperature of --loss contrastive.")
        var temperature: Float = TrainDefaults.temperature
        @Option(help: "Weight of the cosine distance to the word's own target in --loss contrastive.")
        var cosWeight: Float = TrainDefaults.cosineWeight
        @Option(help: "Weight of a second loss on the recurrent part's prediction alone (hybrid models), which keeps it learning once the n-gram table fits the training words; 0 = off.")
        var auxWeight: Float = TrainDefaults.auxiliaryWeight
        @Option(help: "Negatives per word for --loss margin.")
        var negatives: Int = 10
        @Option(help: "Margin for --loss margin.")
        var margin: Float = 0.5
        @Option(help: "Extra examples: typos (seeded one-edit misspellings of training words, mapped to their word) or none.")
        var augment: Augmentation = TrainDefaults.augmentation
        @Option(help: "Share of training words given a misspelled copy each epoch with --augment typos.")
        var typoRate: Double = TrainDefaults.typoRate
        @Option(help: "Adam learning rate.")
        var lr: Float = TrainDefaults.learningRate
        @Option(help: "Multiply both learning rates by this factor after every epoch (1 = constant).")
        var lrDecay: Float = TrainDefaults.learningRateDecay
        @Option(help: "Validate and save an exponential moving average of the weights, with this decay per step (bias-corrected); 0 = the raw weights.")
        var ema: Double = TrainDefaults.weightAverage
        @Option(help: "Words per batch (batches hold words of one length).")
        var batch: Int = 64
        @Option(help: "Epochs (training may stop earlier, see --patience).")
        var epochs: Int = TrainDefaults.epochs
        @Option(help: "Clip gradients to this global L2 norm (0 = off).")
        var clip: Double = 5
        @Option(help: "Dropout probability between layers.")
        var dropout: Float = TrainDefaults.dropout
        @Option(help: "Initial weights: xavier (Xavier-uniform, orthogonal recurrent, forget-gate bias 1) or pytorch (PyTorch's uniform ±1/√fan defaults, for comparisons with it).")
        var initialization: InitializationScheme = .xavier
        @Option(help: "Truncate words longer than this many characters (0 = no limit); truncations are counted.")
        var maxLength: Int = 64
        @Option(help: "Fraction of the words held out for validation (seeded).")
        var validationFraction: Double = 0.1
        @Option(help: "Hold out the words listed in this file (one per line) instead of a random fraction.")
        var validation: String?
        @Option(help: "Networks trained one after another from seeds derived from --seed, whose unit predictions are averaged (an ensemble; they share the subword head). Default \(TrainDefaults.members), or 1 with --ngram-buckets.")
        var members: Int?

        @Option(help: "Random seed (initialisation, split, batches, dropout, negatives).")
        var seed: UInt64 = 1
        @Option(help: "Stop after this many epochs without a better validation MRR (0 = never).")
        var patience: Int = 3
        @Option(help: "A batch loss above this many times the recent median counts as a spike.")
        var spikeFactor: Double = 10
        @Option(help: "Mean pairwise cosine of a batch's predictions above which they count as collapsed.")
        var collapseThreshold: Double = 0.98
        @Option(help: "Recoveries (restore + halve the learning rate) before giving up.")
        var maxRecoveries: Int = 5
        @Option(help: "Checkpoint file, rewritten after every epoch (default: OUT.checkpoint).")
        var checkpoint: String?
        @Option(help: "Continue the run saved in this checkpoint (same vectors and options).")
        var resume: String?
        @Option(help: "Append one JSON line per epoch (and per recovery) to this file.")
        var log: String?
        @Option(help: "Draw the loss and validation curves as an SVG file (a line per member).")
        var plot: String?
        @Option(help: "Weight of the subword head: a bag of hashed n-grams fitted to the targets, whose unit vector, times this weight, is added to the model's unit prediction; 0 = no head.")
        var subwordWeight: Float = TrainDefaults.subwordWeight
        @Option(help: "How the subword head's bag is fitted: ridge (ridge regression by conjugate gradients) or adam (squared error by Adam, 5 epochs).")
        var subwordFit: SubwordFit = .ridge
        @Option(help: "Train the model through its subword head: the bag is fitted first, and each training word's prediction is blended, during training, with a bag fitted on the other folds of words (N ≥ 2 folds; 0 = fit the head after training).")
        var subwordFolds: Int = TrainDefaults.subwordFolds
        @Flag(inversion: .prefixedNo, help: "Feed the subword head's bag to the MLP beside the recurrent states (out-of-fold bags in training); only when the model trains through its head.")
        var headInput = TrainDefaults.headInput
        @Flag(inversion: .prefixedNo, help: "After training, print the validation figures of a bag-of-n-grams baseline fitted on the same split beside the model's.")
        var baseline = true
        @Flag(help: "Print one JSON line per epoch on standard output instead of text.")
        var json = false
        @Option(help: .hidden)
        var injectFault: [String] = []

        func validate() throws {
            if !(validationFraction >= 0 && validationFraction < 1) {
                throw ValidationError("--validation-fraction must be in [0, 1) (got \(validationFraction)).")
            }
            if epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)); 0 would write an untrained model.") }
            if patience < 0 { throw ValidationError("--patience must be ≥ 0 (got \(patience)).") }
            if let buckets = ngramBuckets, buckets < 0 { throw ValidationError("--ngram-buckets must be ≥ 0 (got \(buckets)).") }
            if !(subwordWeight >= 0 && subwordWeight <= 100) {
                throw ValidationError("--subword-weight must be a number in [0, 100] (got \(subwordWeight)); 0 trains no subword head.")
            }
            // Every hyper-parameter is checked before the table is loaded (the trainer re-checks).
            let problems = makeConfiguration().problems()
            if !problems.isEmpty { throw ValidationError(problems.joined(separator: "; ") + ".") }
        }

        /// The run's configuration from the options (the model's vocabulary and output size are set
        /// by the trainer from the data).
        func makeConfiguration() -> TrainingConfiguration {
            var model = CharToVectorConfiguration(vocabularySize: 2)
            model.cell = cell
            model.layers = layers
            model.hiddenSize = hidden
            model.characterDimensions = charDim
            model.mlpHiddenSize = mlpHidden
            model.dropout = dropout
            model.initialization = initialization == .xavier ? nil : initialization
            let buckets = ngramBuckets ?? TrainDefaults.ngramBuckets
            model.ngrams = buckets > 0 ? NgramConfiguration(buckets: buckets) : nil
            var configuration = TrainingConfiguration(model: model)
            configuration.loss = loss
            configuration.negatives = negatives
            configuration.margin = margin
            configuration.temperature = temperature
            configuration.cosineWeight = cosWeight
            configuration.auxiliaryWeight = auxWeight
            configuration.subwordWeight = subwordFolds >= 2 ? subwordWeight : 0
            configuration.subwordFolds = subwordFolds
            configuration.subwordFit = subwordFit
            configuration.headInput = headInput && configuration.subwordWeight > 0 && subwordFolds >= 2
            configuration.ngramLearningRate = ngramLr
            configuration.augmentation = augment
            configuration.typoRate = typoRate
            configuration.learningRate = lr
            configuration.epochDecay = lrDecay
            configuration.weightAverage = ema
            configuration.batchSize = batch
            configuration.epochs = epochs
            configuration.clip = clip
            configuration.maxLength = maxLength
            configuration.lowercase = input.lowercase
            configuration.seed = seed
            configuration.members = members ?? (buckets > 0 ? 1 : TrainDefaults.members)
            configuration.threads = input.threads
            configuration.patience = patience
            configuration.spikeFactor = spikeFactor
            configuration.collapseThreshold = collapseThreshold
            configuration.maxRecoveries = maxRecoveries
            return configuration
        }

        func run() throws {
            let checkpointPath = checkpoint ?? out + ".checkpoint"
            try checkOutputPaths(checkpointPath: checkpointPath)
            var saved: Checkpoint?
            if let resume {
                do { saved = try Checkpoint.read(resume) } catch let error as ModelFileError {
                    Diagnostics.printError(error)
                    throw ExitCode(1)
                }
            }
            let progress = ProgressBar(label: "loading", enabled: !json && Diagnostics.stderrIsTerminal)
            progress.status(vectors)
            let (table, _) = try reportingErrors { try EmbeddingReader.load(vectors, options: input.readOptions) }
            progress.finish()
            var heldOut: Set<String>?
            if let validation {
                do {
                    let text = try String(contentsOfFile: validation, encoding: .utf8)
                    heldOut = Set(text.split(whereSeparator: \.isNewline).compactMap { $0.split(separator: " ").first.map(String.init) })
                } catch {
                    Diagnostics.printLine("\(validation): error: cannot read the validation word list: \(error.localizedDescription)")
                    throw ExitCode(1)
                }
            }
            // A resumed run splits and truncates as the original did.
            let data = TrainingData.prepare(table: table, validationFraction: validationFraction, validationWords: heldOut,
                                            maxLength: saved?.configuration.maxLength ?? maxLength,
                                            seed: saved?.configuration.seed ?? seed)
            reportExclusions(data)
            var configuration = makeConfiguration()
            for fault in injectFault {
                let parts = fault.split(separator: "@")
                guard parts.count == 2, let kind = InjectedFault(rawValue: String(parts[0])), let step = Int(parts[1]) else {
                    throw ValidationError("--inject-fault takes KIND@STEP with KIND nan-loss, nan-gradient, huge-gradient, spike or collapse")
                }
                configuration.faults[step] = kind
            }
            if let saved { try checkResumeOptions(requested: configuration, saved: saved.configuration) }
            try checkMemory(saved?.configuration ?? configuration, data: data)
            if warnAboutIdenticalTargets(data) { configuration.collapseThreshold = 1 }

            if (saved?.configuration ?? configuration).subwordWeight > 0 {
                Diagnostics.printLine("fitting the subword head and its out-of-fold bags (bags of character 3–6-grams, \((saved?.configuration ?? configuration).subwordFit.summary) each)")
            }
            let trainer: Trainer
            do {
                if let resume, let saved {
                    trainer = try Trainer(resuming: saved, data: data, epochs: epochs)
                    Diagnostics.printLine("resuming \(resume) after epoch \(saved.epochsDone)")
                } else {
                    trainer = try Trainer(data: data, configuration: configuration)
                }
            } catch let error as TrainingError {
                Diagnostics.printLine("\(vectors): error: \(error)")
                Diagnostics.printNote(error.hint)
                throw ExitCode(1)
            } catch let error as ModelFileError {
                Diagnostics.printError(error)
                throw ExitCode(1)
            }
            let parameterCount = trainer.model.parameters.values.count
            let members = trainer.configuration.members
            Diagnostics.printLine("training on \(data.trainCount) words, validating on \(data.validationCount); "
                + "\(trainer.characters.size) character ids, \(parameterCount) parameters"
                + (members > 1 ? " per member, \(members) members" : "") + ", \(input.threads) thread\(input.threads == 1 ? "" : "s"); "
                + "OpenBLAS \(BLAS.coreName) kernels" + (Kernels.usesNativeKernels ? ", \(Kernels.nativeLevelName) C kernels" : ""))
            if let problem = BLASKernels.problem { Diagnostics.printNote(problem) }
            if ProcessInfo.processInfo.environment[BLASKernels.marker] != nil {
                Diagnostics.printNote("OpenBLAS kernels " + BLASKernels.explanation)
            }

            let logFile = try log.map { try LogFile(path: $0) }
            let bar = ProgressBar(label: "", enabled: !json && Diagnostics.stderrIsTerminal)
            var wroteCheckpoint = false
            let finalTrainer: Trainer
            do {
                finalTrainer = try trainer.runMembers(onEvent: { event in
                    switch event {
                    case .progress(let epoch, let step, let steps, let loss):
                        bar.status(String(format: "epoch %d %@ %d/%d loss %.4f", epoch,
                                          ProgressBar.bar(Double(step) / Double(max(steps, 1))), step, steps, loss))
                    case .epoch(let record):
                        bar.finish()
                        printEpoch(record)
                        logFile?.append(record)
                    case .recovery(let step, let reason, let restored, let rate, let count):
                        bar.finish()
                        Diagnostics.printLine("warning: \(reason)")
                        Diagnostics.printNote(String(format: "restored the weights of step %d and halved the learning rate to %.3g (recovery %d of at most %d)",
                                                             restored, rate, count, maxRecoveries))
                        logFile?.appendRecovery(step: step, reason: reason, restoredStep: restored, learningRate: rate, recoveries: count)
                    case .earlyStop(let epoch, let best, let mrr):
                        Diagnostics.printLine(String(format: "early stop after epoch %d: validation MRR has not improved since epoch %d (%.4f)", epoch, best, mrr))
                    case .member(let index, let count, let done):
                        Diagnostics.printLine("member \(index + 1) of \(count)" + (done > 0 ? ": resuming after epoch \(done)" : ""))
                    }
                }, onCheckpoint: { checkpoint in
                    try checkpoint.write(to: checkpointPath)
                    wroteCheckpoint = true
                })
            } catch let error as TrainingError {
                bar.finish()
                Diagnostics.printLine("\(vectors): error: \(error)")
                Diagnostics.printNote(error.hint)
                if wroteCheckpoint {
                    Diagnostics.printNote("the checkpoint of the last completed epoch is \(checkpointPath)")
                } else {
                    Diagnostics.printNote("no epoch completed, so this run wrote no checkpoint")
                }
                throw ExitCode(1)
            }
            let (best, withoutHead) = withSubwordHead(finalTrainer.bestModel(source: vectors), trainer: finalTrainer)
            try reportingErrors { try best.write(to: out) }
            if let plot {
                try reportingErrors {
                    let file = try OutputFile(path: plot)
                    try file.write(CurvePlot.svg(finalTrainer.allHistory, title: "charvec train \(vectors)"))
                    try file.commit()
                }
            }
            let summary = best.metadata.validation.map {
                String(format: "validation MRR %.4f, hit@10 %.4f, mean cosine %.4f", $0.meanReciprocalRank, $0.hitAt10, $0.meanCosine)
            } ?? "no validation words: the epoch with the lowest training loss"
            Diagnostics.printLine("saved the model of \(Self.bestEpochs(best.metadata)) (\(summary)) to \(out)")
            printComparison(finalTrainer, best: best, withoutHead: withoutHead)
        }

        func reportExclusions(_ data: TrainingData) {
            let e = data.exclusions
            func list(_ words: [String]) -> String {
                words.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (words.count > 5 ? ", …" : "")
            }
            if !e.zeroRows.isEmpty {
                Diagnostics.printLine("\(vectors): warning: excluded \(e.zeroRows.count) all-zero row\(e.zeroRows.count == 1 ? "" : "s") (\(list(e.zeroRows))): a zero target has no direction")
            }
            if !e.nonFiniteRows.isEmpty {
                Diagnostics.printLine("\(vectors): warning: excluded \(e.nonFiniteRows.count) row\(e.nonFiniteRows.count == 1 ? "" : "s") with NaN or infinite values (\(list(e.nonFiniteRows)))")
            }
            if !e.duplicateRows.isEmpty {
                Diagnostics.printLine("\(vectors): warning: excluded \(e.duplicateRows.count) later occurrence\(e.duplicateRows.count == 1 ? "" : "s") of duplicated words (\(list(e.duplicateRows))); the first is used")
            }
            if e.emptyWords > 0 { Diagnostics.printLine("\(vectors): warning: excluded \(e.emptyWords) rows without a word") }
            if e.truncatedWords > 0 {
                Diagnostics.printLine("\(vectors): note: \(e.truncatedWords) word\(e.truncatedWords == 1 ? " is" : "s are") longer than --max-length \(maxLength) and will be truncated")
            }
            if e.excludedCount > 0 { Diagnostics.printNote("'charvec audit \(vectors)' lists every problem row") }
        }

        func printEpoch(_ r: EpochRecord) {
            if json {
                print(String(decoding: (try? JSONEncoder.lines.encode(r)) ?? Data(), as: UTF8.self))
                fflush(nil)  // one line per epoch as it ends, also into a pipe or file
                return
            }
            let loss = r.trainLoss.isFinite ? String(format: "%.5f", r.trainLoss) : "n/a (every step was rolled back)"
            var line = String(format: "epoch %3d  loss %@  %7.0f words/s  lr %.2g", r.epoch, loss, r.wordsPerSecond, r.learningRate)
            if let v = r.validation {
                line += String(format: "  val cos %.4f  hit@1 %.4f  hit@10 %.4f  MRR %.4f  median rank %.0f",
                               v.meanCosine, v.hitAt1, v.hitAt10, v.meanReciprocalRank, v.medianRank)
            }
            print(line)
            fflush(nil) // all streams: stdout may be a pipe to a progress reader
        }
    }
}

extension JSONEncoder {
    /// Compact, sorted keys; NaN/Inf as strings (a diverged loss must still log).
    static var lines: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}

/// `--log`: JSON lines appended as training goes (each line flushed, so a crash keeps the history).
final class LogFile {
    let handle: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EmbeddingWriteError.cannotWrite(path: path, reason: "cannot open for appending")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    func append(_ record: EpochRecord) {
        if let data = try? JSONEncoder.lines.encode(record) { handle.write(data + Data("\n".utf8)) }
    }

    func appendRecovery(step: Int, reason: String, restoredStep: Int, learningRate: Double, recoveries: Int) {
        let object: [String: Any] = ["event": "recovery", "step": step, "reason": reason, "restored_step": restoredStep,
                                     "learning_rate": learningRate, "recoveries": recoveries]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            handle.write(data + Data("\n".utf8))
        }
    }
}
