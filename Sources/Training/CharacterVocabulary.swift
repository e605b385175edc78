import NeuralNet

/// Maps characters (Unicode scalars, as Python iterates a string's code points) to model input ids.
///
/// Id 0 pads, id 1 stands for any character not seen in training (so an unseen character never
/// crashes and never indexes out of range); seen characters get ids 2… in sorted order, as the
/// PyTorch reference does.
public struct CharacterVocabulary: Sendable, Equatable, Codable {
    public static let paddingIndex: Int32 = 0
    public static let unknownIndex: Int32 = 1

    /// Characters with ids 2, 3, … (as single-scalar strings).
    public private(set) var characters: [String]
    var ids: [Unicode.Scalar: Int32]

    /// The vocabulary of every scalar in `words`.
    public init<S: Sequence>(words: S) where S.Element == String {
        var seen = Set<Unicode.Scalar>()
        for word in words { for scalar in word.unicodeScalars { seen.insert(scalar) } }
        self.init(characters: seen.sorted { $0.value < $1.value }.map { String($0) })
    }

    /// A vocabulary with the given characters at ids 2, 3, … (as saved in a model file).
    public init(characters: [String]) {
        self.characters = characters
        var ids: [Unicode.Scalar: Int32] = [:]
        for (i, c) in characters.enumerated() {
            if let scalar = c.unicodeScalars.first { ids[scalar] = Int32(i + 2) }
        }
        self.ids = ids
    }

    /// Ids including padding and unknown.
    public var size: Int { characters.count + 2 }

    /// The ids of `word`, truncated to `maxLength` scalars (0 = no limit); an empty word encodes as
    /// `[unknown]` so every sequence has length ≥ 1.
    public func encode(_ word: String, maxLength: Int = 0) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(word.unicodeScalars.count)
        for scalar in word.unicodeScalars {
            if maxLength > 0 && out.count == maxLength { break }
            out.append(ids[scalar] ?? Self.unknownIndex)
        }
        return out.isEmpty ? [Self.unknownIndex] : out
    }

    enum CodingKeys: String, CodingKey { case characters }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(characters: try container.decode([String].self, forKey: .characters))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(characters, forKey: .characters)
    }
}
