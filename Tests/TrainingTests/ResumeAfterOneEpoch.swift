import TestSupport
@testable import Training
import XCTest

extension XCTestCase {
    /// A run of `configuration` stopped after one epoch, resumed from its checkpoint to epoch 2.
    func resumeAfterOneEpoch(_ configuration: TrainingConfiguration, data: TrainingData) throws -> Trainer {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("resume.checkpoint").path
        var first = configuration
        first.epochs = 1
        try Trainer(data: data, configuration: first).run(onCheckpoint: { try $0.write(to: path) })
        let resumed = try Trainer(resuming: try Checkpoint.read(path), data: data, epochs: 2)
        try resumed.run()
        return resumed
    }
}
