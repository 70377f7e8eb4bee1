import SwiftProtobuf

// The messages of pprof's profile.proto (package perftools.profiles) that memgate writes, as
// swift-protobuf messages written by hand: five small messages do not justify a protoc plugin
// build. Field numbers and types follow profile.proto; every repeated scalar is packed (proto3).

/// `perftools.profiles.Profile`.
struct PprofProfile: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase {
    static let protoMessageName = "perftools.profiles.Profile"
    var sampleType: [PprofValueType] = []
    var sample: [PprofSample] = []
    var location: [PprofLocation] = []
    var function: [PprofFunction] = []
    /// Index 0 is always the empty string.
    var stringTable: [String] = []
    var timeNanos: Int64 = 0
    var durationNanos: Int64 = 0
    var periodType: PprofValueType?
    var period: Int64 = 0
    var comment: [Int64] = []
    var defaultSampleType: Int64 = 0
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeRepeatedMessageField(value: &sampleType)
            case 2: try decoder.decodeRepeatedMessageField(value: &sample)
            case 4: try decoder.decodeRepeatedMessageField(value: &location)
            case 5: try decoder.decodeRepeatedMessageField(value: &function)
            case 6: try decoder.decodeRepeatedStringField(value: &stringTable)
            case 9: try decoder.decodeSingularInt64Field(value: &timeNanos)
            case 10: try decoder.decodeSingularInt64Field(value: &durationNanos)
            case 11: try decoder.decodeSingularMessageField(value: &periodType)
            case 12: try decoder.decodeSingularInt64Field(value: &period)
            case 13: try decoder.decodeRepeatedInt64Field(value: &comment)
            case 14: try decoder.decodeSingularInt64Field(value: &defaultSampleType)
            default: break
            }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !sampleType.isEmpty { try visitor.visitRepeatedMessageField(value: sampleType, fieldNumber: 1) }
        if !sample.isEmpty { try visitor.visitRepeatedMessageField(value: sample, fieldNumber: 2) }
        if !location.isEmpty { try visitor.visitRepeatedMessageField(value: location, fieldNumber: 4) }
        if !function.isEmpty { try visitor.visitRepeatedMessageField(value: function, fieldNumber: 5) }
        if !stringTable.isEmpty { try visitor.visitRepeatedStringField(value: stringTable, fieldNumber: 6) }
        if timeNanos != 0 { try visitor.visitSingularInt64Field(value: timeNanos, fieldNumber: 9) }
        if durationNanos != 0 { try visitor.visitSingularInt64Field(value: durationNanos, fieldNumber: 10) }
        if let periodType { try visitor.visitSingularMessageField(value: periodType, fieldNumber: 11) }
        if period != 0 { try visitor.visitSingularInt64Field(value: period, fieldNumber: 12) }
        if !comment.isEmpty { try visitor.visitPackedInt64Field(value: comment, fieldNumber: 13) }
        if defaultSampleType != 0 { try visitor.visitSingularInt64Field(value: defaultSampleType, fieldNumber: 14) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `perftools.profiles.ValueType`: a sample value's type and unit, as string-table indices.
struct PprofValueType: PprofScalarMessage {
    static let protoMessageName = "perftools.profiles.ValueType"
    static var signedFields: [(Int, WritableKeyPath<Self, Int64>)] { [(1, \.type), (2, \.unit)] }
    var type: Int64 = 0
    var unit: Int64 = 0
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}

    init(type: Int64, unit: Int64) {
        self.type = type
        self.unit = unit
    }
}

/// `perftools.profiles.Sample`: one stack (leaf first) and its values, one per sample type.
struct PprofSample: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase {
    static let protoMessageName = "perftools.profiles.Sample"
    var locationID: [UInt64] = []
    var value: [Int64] = []
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeRepeatedUInt64Field(value: &locationID)
            case 2: try decoder.decodeRepeatedInt64Field(value: &value)
            default: break
            }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !locationID.isEmpty { try visitor.visitPackedUInt64Field(value: locationID, fieldNumber: 1) }
        if !value.isEmpty { try visitor.visitPackedInt64Field(value: value, fieldNumber: 2) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `perftools.profiles.Location` with its `Line`s (innermost inlined function first).
struct PprofLocation: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase {
    static let protoMessageName = "perftools.profiles.Location"
    var id: UInt64 = 0
    var address: UInt64 = 0
    var line: [PprofLine] = []
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularUInt64Field(value: &id)
            case 3: try decoder.decodeSingularUInt64Field(value: &address)
            case 4: try decoder.decodeRepeatedMessageField(value: &line)
            default: break
            }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if id != 0 { try visitor.visitSingularUInt64Field(value: id, fieldNumber: 1) }
        if address != 0 { try visitor.visitSingularUInt64Field(value: address, fieldNumber: 3) }
        if !line.isEmpty { try visitor.visitRepeatedMessageField(value: line, fieldNumber: 4) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `perftools.profiles.Line`: a function and a source line.
struct PprofLine: PprofScalarMessage {
    static let protoMessageName = "perftools.profiles.Line"
    static var unsignedFields: [(Int, WritableKeyPath<Self, UInt64>)] { [(1, \.functionID)] }
    static var signedFields: [(Int, WritableKeyPath<Self, Int64>)] { [(2, \.line)] }
    var functionID: UInt64 = 0
    var line: Int64 = 0
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}
}

/// `perftools.profiles.Function`: names and file as string-table indices.
struct PprofFunction: PprofScalarMessage {
    static let protoMessageName = "perftools.profiles.Function"
    static var unsignedFields: [(Int, WritableKeyPath<Self, UInt64>)] { [(1, \.id)] }
    static var signedFields: [(Int, WritableKeyPath<Self, Int64>)] {
        [(2, \.name), (3, \.systemName), (4, \.filename)]
    }
    var id: UInt64 = 0
    var name: Int64 = 0
    var systemName: Int64 = 0
    var filename: Int64 = 0
    var unknownFields = SwiftProtobuf.UnknownStorage()

    init() {}
}

/// A message whose fields are all singular 64-bit integers, decoded and encoded from one table
/// of field numbers and key paths instead of a hand-written switch per message.
protocol PprofScalarMessage: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase {
    /// `int64` fields.
    static var signedFields: [(Int, WritableKeyPath<Self, Int64>)] { get }
    /// `uint64` fields.
    static var unsignedFields: [(Int, WritableKeyPath<Self, UInt64>)] { get }
}

extension PprofScalarMessage {
    static var unsignedFields: [(Int, WritableKeyPath<Self, UInt64>)] { [] }

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            if let path = Self.signedFields.first(where: { $0.0 == field })?.1 {
                try decoder.decodeSingularInt64Field(value: &self[keyPath: path])
            } else if let path = Self.unsignedFields.first(where: { $0.0 == field })?.1 {
                try decoder.decodeSingularUInt64Field(value: &self[keyPath: path])
            }
        }
    }

    /// Fields in field-number order, zeros left out (proto3 defaults).
    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        let numbers = (Self.signedFields.map(\.0) + Self.unsignedFields.map(\.0)).sorted()
        for number in numbers {
            if let path = Self.signedFields.first(where: { $0.0 == number })?.1, self[keyPath: path] != 0 {
                try visitor.visitSingularInt64Field(value: self[keyPath: path], fieldNumber: number)
            } else if let path = Self.unsignedFields.first(where: { $0.0 == number })?.1, self[keyPath: path] != 0 {
                try visitor.visitSingularUInt64Field(value: self[keyPath: path], fieldNumber: number)
            }
        }
        try unknownFields.traverse(visitor: &visitor)
    }
}
