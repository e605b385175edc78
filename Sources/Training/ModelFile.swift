import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet

/// Why a model or checkpoint file could not be used.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case notAModelFile(path: String, found: String)
    case unsupportedVersion(path: String, version: UInt32, highestSupported: UInt32)
    case wrongKind(path: String, expected: String, found: String)
    case checksumMismatch(path: String, stored: UInt32, computed: UInt32)
    case truncated(path: String, byteOffset: Int, needed: Int)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "\(path): error: cannot read: \(reason)"
        case .notAModelFile(let path, let found):
            return "\(path): error: not a charvec model file (expected magic 'CHARVEC', found \(found))"
        case .unsupportedVersion(let path, let version, let highest):
            return "\(path): error: format version \(version) is newer than this charvec supports (\(highest))"
        case .wrongKind(let path, let expected, let found): return "\(path): error: expected a \(expected), found a \(found)"
        case .checksumMismatch(let path, let stored, let computed):
            return "\(path): error: checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16))): the file is damaged"
        case .truncated(let path, let offset, let needed):
            return "\(path):byte \(offset): error: file ends early: \(needed) more bytes expected"
        case .malformed(let path, let reason): return "\(path): error: malformed model file: \(reason)"
        }
    }

    public var hint: String {
        switch self {
        case .unsupportedVersion: return "upgrade charvec"
        case .checksumMismatch, .truncated: return "the file was damaged or cut off; use an earlier checkpoint or retrain"
        case .wrongKind: return "'charvec embed' takes a model (--out of 'charvec train'); '--resume' takes a checkpoint"
        default: return "pass a file written by 'charvec train'"
        }
    }
}

/// The container format of models and checkpoints (all integers little-endian):
///
/// ```
/// offset 0   8 bytes  magic "CHARVEC\0"
///        8   u32      format version (6; versions 1–5, without the n-gram table, the subword
///                     head, the MLP's context input, the head's row bitmap or several members,
///                     still read)
///       12   u32      kind: 1 = model, 2 = checkpoint
///       16   u64      H, byte length of the JSON header
///       24   H bytes  UTF-8 JSON header (architecture, characters, metadata, array names)
///            u64      A, number of float arrays; then per array: u64 count, count × float32
///   end − 4  u32      CRC-32 (zlib) of every byte before it
/// ```
enum Container {
    static let magic: [UInt8] = Array("CHARVEC".utf8) + [0]
    static let version: UInt32 = 6

    enum Kind: UInt32 {
        case model = 1, checkpoint = 2
        var name: String { self == .model ? "model" : "checkpoint" }
    }

    /// Serialises and writes atomically (temporary file + rename), streaming each array from its
    /// own storage (checkpoints of hybrid models hold hundreds of MB) with a running CRC.
    /// Checkpoints are not forced to the disk (see ``OutputFile/commit(durable:)``): a run rewrites
    /// one every epoch, hundreds of MB with an n-gram table; models are.
    static func write(kind: Kind, header: Data, arrays: [[Scalar]], to path: String) throws {
        var prefix: [UInt8] = magic
        func u32(_ v: UInt32, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u32(version, &prefix)
        u32(kind.rawValue, &prefix)
        u64(UInt64(header.count), &prefix)
        prefix.append(contentsOf: header)
        u64(UInt64(arrays.count), &prefix)
        let output = try OutputFile(path: path)
        var crc = CRC32()
        func emit<T: BitwiseCopyable>(_ values: [T]) throws {
            crc.update(values)
            try values.withUnsafeBytes { try output.write($0) }
        }
        try emit(prefix)
        for array in arrays {
            var count: [UInt8] = []
            u64(UInt64(array.count), &count)
            try emit(count)
            #if _endian(little)
            try emit(array)
            #else
            let swapped = array.map { $0.bitPattern.littleEndian }
            try emit(swapped)
            #endif
        }
        var trailer: [UInt8] = []
        u32(crc.value, &trailer)
        try output.write(trailer)
        try output.commit(durable: kind == .model)
    }

    /// Reads and validates a container; returns the header JSON and the arrays.
    static func read(_ path: String, expecting kind: Kind) throws -> (header: Data, arrays: [[Scalar]]) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ModelFileError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
        var offset = 0
        func need(_ n: Int) throws {
            if n < 0 || offset + n > bytes.count { throw ModelFileError.truncated(path: path, byteOffset: offset, needed: max(0, offset + n - bytes.count)) }
        }
        func u32() throws -> UInt32 {
            try need(4)
            defer { offset += 4 }
            return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        func u64() throws -> Int {
            try need(8)
            defer { offset += 8 }
            let v = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            guard v <= UInt64(bytes.count) else { throw ModelFileError.truncated(path: path, byteOffset: offset, needed: Int(clamping: v)) }
            return Int(v)
        }
        guard bytes.count >= 8, Array(bytes[0 ..< 8]) == magic else {
            let found = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ModelFileError.notAModelFile(path: path, found: found.isEmpty ? "an empty file" : found)
        }
        offset = 8
        let version = try u32()
        guard version <= Self.version, version >= 1 else {
            throw ModelFileError.unsupportedVersion(path: path, version: version, highestSupported: Self.version)
        }
        guard bytes.count >= 28 else { throw ModelFileError.truncated(path: path, byteOffset: bytes.count, needed: 28 - bytes.count) }
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)) }
        var checksum = CRC32()
        checksum.update(bytes[0 ..< bytes.count - 4])
        let computed = checksum.value
        guard stored == computed else { throw ModelFileError.checksumMismatch(path: path, stored: stored, computed: computed) }
        let rawKind = try u32()
        guard let found = Kind(rawValue: rawKind) else { throw ModelFileError.malformed(path: path, reason: "unknown kind \(rawKind)") }
        guard found == kind else { throw ModelFileError.wrongKind(path: path, expected: kind.name, found: found.name) }
        let headerLength = try u64()
        try need(headerLength)
        let header = Data(bytes[offset ..< offset + headerLength])
        offset += headerLength
        let count = try u64()
        guard count <= 64 else { throw ModelFileError.malformed(path: path, reason: "\(count) arrays") }
        var arrays: [[Scalar]] = []
        for _ in 0 ..< count {
            let n = try u64()
            try need(n * 4)
            let array = bytes.withUnsafeBytes { raw in
                (0 ..< n).map { Scalar(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self))) }
            }
            offset += n * 4
            arrays.append(array)
        }
        guard offset == bytes.count - 4 else {
            throw ModelFileError.malformed(path: path, reason: "\(bytes.count - 4 - offset) unexpected bytes before the checksum")
        }
        return (header, arrays)
    }
}

/// What a model file says about how it was trained.
public struct TrainingMetadata: Sendable, Codable, Equatable {
    public var source: String
    public var trainWords: Int
    public var validationWords: Int
    public var epochs: Int
    public var bestEpoch: Int
    public var loss: LossKind
    public var validation: ValidationMetrics?
    public var exclusions: TableExclusions
    public var charvecVersion = "0.1.0"
    /// The best epoch of each member of an ensemble (nil for a single network).
    public var memberBestEpochs: [Int]?
}

/// A trained char-to-vector model: architecture, character vocabulary, weights and metadata.
public struct TrainedModel {
    public var configuration: CharToVectorConfiguration
    public var characters: CharacterVocabulary
    public var maxLength: Int
    public var lowercase: Bool
    public var parameters: [Scalar]
    /// The weights of an ensemble's other members (same architecture; empty for one network):
    /// predictions average the members' unit outputs before the subword head is blended in.
    public var additionalMembers: [[Scalar]] = []
    /// The hybrid model's n-gram table (`buckets × outputDimensions`), nil for a recurrent-only model.
    public var ngramTable: [Scalar]?
    /// The fitted bag of n-grams blended into predictions, nil when the model has none.
    public var subword: SubwordHead?
    public var metadata: TrainingMetadata

    public init(configuration: CharToVectorConfiguration, characters: CharacterVocabulary, maxLength: Int, lowercase: Bool,
                parameters: [Scalar], ngramTable: [Scalar]? = nil, subword: SubwordHead? = nil, metadata: TrainingMetadata) {
        self.configuration = configuration
        self.characters = characters
        self.maxLength = maxLength
        self.lowercase = lowercase
        self.parameters = parameters
        self.ngramTable = ngramTable
        self.subword = subword
        self.metadata = metadata
    }

    struct Header: Codable {
        var configuration: CharToVectorConfiguration
        var characters: CharacterVocabulary
        var maxLength: Int
        var lowercase: Bool
        var metadata: TrainingMetadata
        var parameterNames: [String]
        /// Networks whose weights follow one another (absent: 1).
        var members: Int?
        /// Absent in files without a subword head (and in files written before it existed).
        var subword: SubwordHead.Header?
    }

    /// Networks in the model: 1, or an ensemble's members.
    public var memberCount: Int { 1 + additionalMembers.count }

    /// A network with the weights of member `member` (0 = the first), ready to predict.
    public func makeModel(threads: Int = 1, member: Int = 0) -> CharToVectorModel {
        let model = CharToVectorModel(configuration: configuration)
        model.parameters = FlatParameters(layout: model.layout, values: member == 0 ? parameters : additionalMembers[member - 1])
        if let table = ngramTable, let ngrams = configuration.ngrams {
            model.ngramTable = NgramTable(configuration: ngrams, dimensions: configuration.outputDimensions, values: table)
        }
        model.useThreads(threads)
        return model
    }

    /// A predictor over every member's network (lowercasing words when the model was trained so).
    public func makePredictor(threads: Int = 1) -> Predictor {
        Predictor(models: (0 ..< memberCount).map { makeModel(threads: threads, member: $0) }, characters: characters,
                  maxLength: maxLength, lowercase: lowercase, subword: subword)
    }

    public func write(to path: String) throws {
        let layout = CharToVectorModel(configuration: configuration).layout
        var head = subword.map { SubwordHead.Header(ngrams: $0.table.configuration, weight: $0.weight) }
        var headArrays = subword.map { [$0.table.values] } ?? []
        if let table = subword?.table,
           let (rows, bitmap, stored) = HeadRows.encode(table.values, dimensions: table.dimensions, startSeed: NgramBaseline.Settings().seed) {
            head?.rows = rows
            headArrays = [bitmap, stored]
        }
        let header = Header(configuration: configuration, characters: characters, maxLength: maxLength, lowercase: lowercase,
                            metadata: metadata, parameterNames: layout.entries.map(\.name),
                            members: additionalMembers.isEmpty ? nil : memberCount, subword: head)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let arrays = [parameters] + additionalMembers + (ngramTable.map { [$0] } ?? []) + headArrays
        try Container.write(kind: .model, header: try encoder.encode(header), arrays: arrays, to: path)
    }

    public static func read(_ path: String) throws -> TrainedModel {
        let (data, arrays) = try Container.read(path, expecting: .model)
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw ModelFileError.malformed(path: path, reason: "header: \(error)")
        }
        let problems = header.configuration.problems()
        guard problems.isEmpty else { throw ModelFileError.malformed(path: path, reason: problems.joined(separator: "; ")) }
        guard header.configuration.vocabularySize == header.characters.size else {
            throw ModelFileError.malformed(path: path, reason: "character vocabulary has \(header.characters.size) ids, the network \(header.configuration.vocabularySize)")
        }
        // Counted, not built: a header claiming a hidden size of 10¹² must not allocate.
        guard let expected = header.configuration.parameterCount else {
            throw ModelFileError.malformed(path: path, reason: "the network's parameter count overflows")
        }
        guard let tableCount = header.configuration.ngramTableCount else {
            throw ModelFileError.malformed(path: path, reason: "the n-gram table's size overflows")
        }
        var subwordCount = 0
        if let head = header.subword {
            let problems = head.ngrams.problems()
            guard problems.isEmpty else { throw ModelFileError.malformed(path: path, reason: "subword head: " + problems.joined(separator: "; ")) }
            guard head.weight.isFinite, head.weight >= 0 else {
                throw ModelFileError.malformed(path: path, reason: "subword head weight \(head.weight) is not a finite number ≥ 0")
            }
            let (count, overflow) = head.ngrams.buckets.multipliedReportingOverflow(by: header.configuration.outputDimensions)
            guard !overflow else { throw ModelFileError.malformed(path: path, reason: "the subword table's size overflows") }
            subwordCount = count
        }
        let headArrayCount = header.subword == nil ? 0 : header.subword?.rows == nil ? 1 : 2
        let members = header.members ?? 1
        guard members >= 1 && members <= 16 else { throw ModelFileError.malformed(path: path, reason: "\(members) members (1...16 allowed)") }
        guard members == 1 || tableCount == 0 else {
            throw ModelFileError.malformed(path: path, reason: "an ensemble of \(members) members with an n-gram table")
        }
        let arrayCount = members + (tableCount > 0 ? 1 : 0) + headArrayCount
        guard arrays.count == arrayCount else {
            throw ModelFileError.malformed(path: path, reason: "expected \(arrayCount) arrays, found \(arrays.count)")
        }
        for (k, array) in arrays.prefix(members).enumerated() where array.count != expected {
            throw ModelFileError.malformed(path: path, reason: "expected \(expected) parameters"
                + (members > 1 ? " in member \(k + 1)" : "") + ", found \(array.count)")
        }
        if tableCount > 0 && arrays[1].count != tableCount {
            throw ModelFileError.malformed(path: path, reason: "expected an n-gram table of \(tableCount) values, found \(arrays[1].count)")
        }
        if let width = header.configuration.contextDimensions, width > 0 {
            guard header.subword != nil, width == header.configuration.outputDimensions else {
                throw ModelFileError.malformed(path: path, reason: "the MLP takes a context of \(width) values but the file has no subword head of that width")
            }
        }
        var subword: SubwordHead?
        if let head = header.subword {
            var values = arrays[arrayCount - 1]
            if let rows = head.rows {
                switch rows.decode(bitmap: arrays[arrayCount - 2], stored: values, rows: head.ngrams.buckets,
                                   dimensions: header.configuration.outputDimensions) {
                case .success(let table): values = table
                case .failure(let error): throw ModelFileError.malformed(path: path, reason: "subword head: " + error.reason)
                }
            }
            guard values.count == subwordCount else {
                throw ModelFileError.malformed(path: path, reason: "expected a subword table of \(subwordCount) values, found \(values.count)")
            }
            subword = SubwordHead(table: NgramTable(configuration: head.ngrams, dimensions: header.configuration.outputDimensions,
                                                    values: values), weight: head.weight)
        }
        var model = TrainedModel(configuration: header.configuration, characters: header.characters, maxLength: header.maxLength,
                                 lowercase: header.lowercase, parameters: arrays[0], ngramTable: tableCount > 0 ? arrays[1] : nil,
                                 subword: subword, metadata: header.metadata)
        model.additionalMembers = Array(arrays[1 ..< members])
        return model
    }
}

