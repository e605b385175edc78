import Tensor

/// Hyper-parameters of a ``CharToVectorModel`` (Mimick: Pinter et al. 2017).
///
/// Defaults are the project's default model: char dim 20, BiLSTM hidden 50 per direction,
/// MLP 100, output 384, no dropout.
/// Initial weights of a ``CharToVectorModel``. Character embeddings are `N(0, 1)` in both.
public enum InitializationScheme: String, Sendable, Codable, CaseIterable {
    /// Xavier-uniform input and MLP weights, orthogonal recurrent weights, zero biases except
    /// the LSTM forget gate (1).
    case xavier
    /// PyTorch's defaults, for comparisons with it: recurrent weights and both bias vectors
    /// `U(±1/√H)`, linear weights and biases `U(±1/√fanIn)`.
    case pytorch
}

public struct CharToVectorConfiguration: Sendable, Equatable, Codable {
    /// Recurrent cell.
    public var cell: RecurrentCellKind = .lstm
    /// Stacked recurrent layers (≥ 1).
    public var layers: Int = 1
    /// Run a reverse direction too and concatenate both final states.
    public var bidirectional: Bool = true
    /// Character embedding size.
    public var characterDimensions: Int = 20
    /// Recurrent hidden size per direction.
    public var hiddenSize: Int = 50
    /// Hidden width of the tanh MLP.
    public var mlpHiddenSize: Int = 100
    /// Output (target embedding) dimension.
    public var outputDimensions: Int = 384
    /// Dropout probability between recurrent layers and on the word representation (0 = off).
    public var dropout: Scalar = 0
    /// Seed of initialisation and dropout masks.
    public var seed: UInt64 = 1
    /// Character vocabulary size, including the unknown and padding slots.
    public var vocabularySize: Int
    /// Id of the padding slot (its embedding stays zero).
    public var paddingIndex: Int32 = 0
    /// Id of the unknown-character slot (an ordinary trainable row).
    public var unknownIndex: Int32 = 1
    /// How the weights start; nil means ``InitializationScheme/xavier`` (optional so model
    /// files written before the field existed still read).
    public var initialization: InitializationScheme?
    /// Hashed character n-grams whose mean is added to the prediction (the hybrid model); nil for
    /// a purely recurrent model (and in model files written before the field existed).
    public var ngrams: NgramConfiguration?
    /// Width of a per-word context vector (``CharacterBatch/context``) fed to the MLP beside the
    /// recurrent states; nil or 0 for none (and in model files written before the field existed).
    public var contextDimensions: Int?

    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    /// Width of the recurrent word representation: `directions · hiddenSize`.
    public var representationDimensions: Int { hiddenSize * (bidirectional ? 2 : 1) }

    /// Width of the MLP's input: the recurrent representation, then the context vector.
    public var mlpInputDimensions: Int { representationDimensions + (contextDimensions ?? 0) }

    /// Checks ranges; returns a message per problem (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if layers < 1 { out.append("layers must be at least 1 (got \(layers))") }
        if characterDimensions < 1 { out.append("character dimensions must be positive (got \(characterDimensions))") }
        if hiddenSize < 1 { out.append("hidden size must be positive (got \(hiddenSize))") }
        if mlpHiddenSize < 1 { out.append("MLP hidden size must be positive (got \(mlpHiddenSize))") }
        if outputDimensions < 1 { out.append("output dimensions must be positive (got \(outputDimensions))") }
        if !(dropout >= 0 && dropout < 1) { out.append("dropout must be in [0, 1) (got \(dropout))") }
        if vocabularySize < 2 { out.append("vocabulary needs at least the padding and unknown slots (got \(vocabularySize))") }
        for (name, id) in [("padding", paddingIndex), ("unknown", unknownIndex)] where id < 0 || Int(id) >= vocabularySize {
            out.append("\(name) index \(id) outside 0..<\(vocabularySize)")
        }
        if let ngrams { out += ngrams.problems() }
        if let contextDimensions, contextDimensions < 0 || contextDimensions > 1_000_000 {
            out.append("context dimensions must be in 0...1000000 (got \(contextDimensions))")
        }
        return out
    }

    /// Scalars of the n-gram table (`buckets × outputDimensions`; 0 without n-grams), or nil on overflow.
    public var ngramTableCount: Int? {
        guard let ngrams else { return 0 }
        let (r, o) = ngrams.buckets.multipliedReportingOverflow(by: outputDimensions)
        return o ? nil : r
    }

    /// The number of parameters of a model with this configuration (the `scalarCount` of
    /// ``CharToVectorModel/layout``), computed without building the model; nil when the
    /// configuration has ``problems()`` or the count overflows `Int`. Lets a model file's header
    /// be checked against its weights before a hostile header can make anything allocate.
    public var parameterCount: Int? {
        guard problems().isEmpty else { return nil }
        var overflow = false
        func times(_ a: Int, _ b: Int) -> Int {
            let (r, o) = a.multipliedReportingOverflow(by: b)
            overflow = overflow || o
            return r
        }
        func plus(_ a: Int, _ b: Int) -> Int {
            let (r, o) = a.addingReportingOverflow(b)
            overflow = overflow || o
            return r
        }
        let directions = bidirectional ? 2 : 1
        let g = times(cell.gateCount, hiddenSize)
        let representation = times(hiddenSize, directions)
        // Per direction: Wx [input × G], Wh [H × G], b [G], and for GRU bhn [H].
        func recurrentLayer(input: Int) -> Int {
            let perDirection = plus(plus(plus(times(input, g), times(hiddenSize, g)), g), cell == .gru ? hiddenSize : 0)
            return times(perDirection, directions)
        }
        var total = times(vocabularySize, characterDimensions)
        total = plus(total, recurrentLayer(input: characterDimensions))
        total = plus(total, times(layers - 1, recurrentLayer(input: representation)))
        // MLP: hidden [(R + C) × M] + [M], output [M × O] + [O].
        total = plus(total, plus(times(plus(representation, contextDimensions ?? 0), mlpHiddenSize), mlpHiddenSize))
        total = plus(total, plus(times(mlpHiddenSize, outputDimensions), outputDimensions))
        return overflow ? nil : total
    }
}
