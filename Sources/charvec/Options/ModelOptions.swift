import ArgumentParser
import Training

/// Prediction-time options of commands that read a model written by `charvec train`.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Weight of the model's subword head at prediction time (default: the weight it was trained with). Lower ranks the exact word first more often; higher brings vectors closer to the true ones on average.",
        valueName: "weight"))
    var subwordWeight: Float?

    func validate() throws {
        if let subwordWeight { try OptionValidation.finite(subwordWeight, 0 ... 100, option: "--subword-weight") }
    }

    /// For commands where the model is optional (`--model`): these options need one.
    func validate(model: String?) throws {
        if subwordWeight != nil && model == nil {
            throw ValidationError("--subword-weight applies to the model's predictions: add --model MODEL, or drop --subword-weight.")
        }
    }

    /// `model` (read from `path`) with these options applied.
    func apply(to model: TrainedModel, path: String) throws -> TrainedModel {
        guard let subwordWeight else { return model }
        guard let reweighted = model.reweighted(subwordWeight: subwordWeight) else {
            throw ValidationError("--subword-weight needs a model with a subword head; \(path) was trained without one (--subword-weight 0).")
        }
        return reweighted
    }
}
