import Foundation
import EmbeddingCore
import NeuralNet
import Tensor

extension Trainer {
    /// One guarded step on `examples`: forward, loss, backward, checks, then the optimisers.
    func step(_ examples: [Example], negativesRNG: inout SplitMix64) -> Outcome {
        let targetRows = examples.map(\.target)
        var batch = CharacterBatch(sequences: examples.map(\.characters), paddingIndex: CharacterVocabulary.paddingIndex)
        if model.ngramTable != nil { batch.ngrams = examples.map(\.ngrams) }
        if configuration.headInput { batch.context = headContext(targetRows) }
        let fault = configuration.faults[globalStep]
        var predictionsDiversity = 0.0
        var value: Double
        let auxiliary = configuration.auxiliaryWeight
        if auxiliary > 0 && model.ngramTable != nil {
            // L = loss(r + g) + w · loss(r): the second term's gradient reaches the recurrent part only.
            model.zeroGradients()
            let predictions = model.forward(batch)
            predictionsDiversity = Self.meanPairwiseCosine(predictions)
            let (main, dPredictions) = loss(predictions, targetRows: targetRows, negativesRNG: &negativesRNG)
            var (own, dRecurrent) = loss(model.lastRecurrentOutput!, targetRows: targetRows, negativesRNG: &negativesRNG)
            for i in dRecurrent.storage.indices { dRecurrent.storage[i] *= auxiliary }
            model.backward(dPredictions, dRecurrent: dRecurrent)
            value = main + Double(auxiliary) * own
        } else {
            value = model.computeGradients(batch) { predictions in
                predictionsDiversity = Self.meanPairwiseCosine(predictions)
                if !headOffsets.isEmpty { return lossThroughHead(predictions, targetRows: targetRows, negativesRNG: &negativesRNG) }
                return loss(predictions, targetRows: targetRows, negativesRNG: &negativesRNG)
            }
        }
        switch fault {
        case .nanLoss?: value = .nan
        case .nanGradient?: model.gradients.values[model.gradients.values.count / 2] = .nan
        case .hugeGradient?: for i in stride(from: 0, to: model.gradients.values.count, by: 7) { model.gradients.values[i] = 3e37 }
        case .spike?: value *= configuration.spikeFactor * 100
        case .collapse?: predictionsDiversity = 1
        case nil: break
        }
        if !value.isFinite { return .trouble("the loss became \(value) at step \(globalStep)") }
        let norm = model.gradients.globalNorm  // one pass serves the guard and the clipping
        if !norm.isFinite {
            if let bad = NonFiniteGuard.check(model.gradients) { return .trouble("\(bad) at step \(globalStep)") }
            // Every gradient is finite but their squares overflow: divergence, and Adam's second
            // moment would overflow to +Inf and freeze those weights.
            return .trouble("the gradient norm overflowed at step \(globalStep) (the gradients are finite but the sum of their squares exceeds Float's range)")
        }
        if let sparse = model.ngramGradient, !sparse.sumOfSquares.isFinite {
            return .trouble("the n-gram table's gradient is not finite at step \(globalStep)")
        }
        if recentLosses.count >= 20 {
            let median = recentLosses.sorted()[recentLosses.count / 2]
            if value > configuration.spikeFactor * median {
                return .trouble(String(format: "loss spike at step %d: %.4g is more than %g× the recent median %.4g",
                                       globalStep, value, configuration.spikeFactor, median))
            }
        }
        if predictionsDiversity < configuration.collapseThreshold - 0.1 { diverseSeen = true }
        if diverseSeen && examples.count > 1 && predictionsDiversity > configuration.collapseThreshold {
            return .trouble(String(format: "collapse at step %d: predictions for different words became nearly identical (mean pairwise cosine %.4f)",
                                   globalStep, predictionsDiversity))
        }
        if configuration.clip > 0 { GradientClipping.clip(&model.gradients, globalNorm: norm, maxNorm: configuration.clip) }
        adam.learningRate = learningRate
        adam.update(&model.parameters, gradients: model.gradients, twoThreads: configuration.threads > 1)
        if sparseAdam != nil {
            sparseAdam!.learningRate = ngramLearningRate
            journal!.record(model.ngramGradient!, table: model.ngramTable!, adam: sparseAdam!)
            sparseAdam!.update(&model.ngramTable!, gradient: model.ngramGradient!, twoThreads: configuration.threads > 1)
        }
        if configuration.weightAverage > 0 { updateAverage() }
        recentLosses.append(value)
        if recentLosses.count > 50 { recentLosses.removeFirst() }
        return .ok(value)
    }

    /// `sum ← β·sum + (1−β)·w` after a step that passed every guard (so the average only ever holds
    /// checked weights, and a restore leaves it alone). - Complexity: O(parameters).
    func updateAverage() {
        let beta = Scalar(configuration.weightAverage), rest = 1 - beta
        let count = model.parameters.values.count
        if averageSum.count != count { averageSum = [Scalar](repeating: 0, count: count) }
        model.parameters.values.withUnsafeBufferPointer { w in
            averageSum.withUnsafeMutableBufferPointer { sum in
                for i in 0 ..< count { sum[i] = beta * sum[i] + rest * w[i] }
            }
        }
        averageSteps += 1
    }

    /// The averaged weights `sum / (1 − β^t)`, or nil without averaging (or before the first step).
    func averagedParameters() -> [Scalar]? {
        guard configuration.weightAverage > 0, averageSteps > 0 else { return nil }
        let scale = Scalar(1 / (1 - pow(configuration.weightAverage, Double(averageSteps))))
        return averageSum.map { $0 * scale }
    }

    /// The MLP's context for examples of these training rows: each row's out-of-fold unit bag
    /// (its head offset without the weight), flat `[rows.count × D]`.
    func headContext(_ rows: [Int]) -> [Scalar] {
        let d = data.dimensions, scale = 1 / configuration.subwordWeight
        var context = [Scalar](repeating: 0, count: rows.count * d)
        for (k, row) in rows.enumerated() { for j in 0 ..< d { context[k * d + j] = headOffsets[row * d + j] * scale } }
        return context
    }

    /// The configured loss of `predictions` (row k predicts training target `targetRows[k]`).
    func loss(_ predictions: Matrix, targetRows: [Int], negativesRNG: inout SplitMix64) -> (value: Double, gradient: Matrix) {
        let d = data.dimensions
        func gather(_ rows: [Int]) -> Matrix {
            var m = Matrix(rows: rows.count, columns: d)
            data.targets.withUnsafeBufferPointer { all in
                for (k, i) in rows.enumerated() { for j in 0 ..< d { m.storage[k * d + j] = all[i * d + j] } }
            }
            return m
        }
        switch configuration.loss {
        case .mse: return MSELoss()(predictions, gather(targetRows))
        case .cosine: return CosineDistanceLoss()(predictions, gather(targetRows))
        case .margin:
            let negatives = MaxMarginCosineLoss.sampleNegatives(perWord: configuration.negatives, targetIndices: targetRows,
                                                                tableSize: data.trainCount, rng: &negativesRNG)
            return MaxMarginCosineLoss(margin: configuration.margin)(predictions, positives: gather(targetRows),
                                                                     negatives: gather(negatives))
        case .contrastive:
            if data.trainCount <= configuration.fullTableLimit {
                return contrastive!(predictions, positives: targetRows)
            }
            // Large tables: the batch's own targets plus sampled ones (duplicates of a positive skipped).
            var rows: [Int] = []
            var position: [Int: Int] = [:]
            for r in targetRows where position[r] == nil { position[r] = rows.count; rows.append(r) }
            for _ in 0 ..< configuration.sampledCandidates {
                let r = negativesRNG.nextIndex(data.trainCount)
                if position[r] == nil { position[r] = rows.count; rows.append(r) }
            }
            return contrastive!(predictions, candidates: gather(rows).storage, count: rows.count,
                                positives: targetRows.map { position[$0]! })
        }
    }

    func takeSnapshot() {
        snapshot = Snapshot(parameters: model.parameters.values, adam: adam, step: globalStep)
        if let sparseAdam { journal!.mark(adam: sparseAdam) }
    }

    func restoreSnapshot() {
        model.parameters.values = snapshot.parameters
        adam = snapshot.adam
        if sparseAdam != nil { journal!.restore(&model.ngramTable!, adam: &sparseAdam!) }
    }
}
