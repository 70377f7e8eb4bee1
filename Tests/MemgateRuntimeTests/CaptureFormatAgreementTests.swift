import CMemgateCaptureFormat
import Foundation
import MemgateRuntime
import Testing

/// One integer field of a C struct of `memgate_capture_format.h`, as the Swift reader sees it.
struct CFieldLayout: Equatable, CustomStringConvertible {
    var offset: Int
    var size: Int
    var isSigned: Bool

    init(offset: Int, size: Int, isSigned: Bool) {
        self.offset = offset
        self.size = size
        self.isSigned = isSigned
    }

    init<Record, Value: FixedWidthInteger>(_ field: KeyPath<Record, Value>) {
        self.init(
            offset: MemoryLayout<Record>.offset(of: field)!, size: MemoryLayout<Value>.size, isSigned: Value.isSigned)
    }

    var description: String { "offset \(offset), \(size) bytes, \(isSigned ? "signed" : "unsigned")" }
}

/// The in-process Python reader (memgate_capture.py) lists the offsets it reads; the tracker and
/// the Swift reader take theirs from the C structs. These tests hold the two to each other.
@Suite("the Python capture reader agrees with memgate_capture_format.h")
struct CaptureFormatAgreementTests {
    /// The fields the Python reader may read, from the imported C structs.
    static let cFields: [String: CFieldLayout] = [
        "mg_header.version": .init(\mg_header.version),
        "mg_header.header_size": .init(\mg_header.header_size),
        "mg_header.state": .init(\mg_header.state),
        "mg_header.flags": .init(\mg_header.flags),
        "mg_header.file_size": .init(\mg_header.file_size),
        "mg_header.stacks_offset": .init(\mg_header.stacks_offset),
        "mg_header.stack_capacity": .init(\mg_header.stack_capacity),
        "mg_header.stack_count": .init(\mg_header.stack_count),
        "mg_header.nodes_offset": .init(\mg_header.nodes_offset),
        "mg_header.nodes_capacity": .init(\mg_header.nodes_capacity),
        "mg_header.nodes_used": .init(\mg_header.nodes_used),
        "mg_header.strings_offset": .init(\mg_header.strings_offset),
        "mg_header.strings_capacity": .init(\mg_header.strings_capacity),
        "mg_header.strings_used": .init(\mg_header.strings_used),
        "mg_header.pyfuncs_offset": .init(\mg_header.pyfuncs_offset),
        "mg_header.pyfunc_capacity": .init(\mg_header.pyfunc_capacity),
        "mg_header.pyfunc_count": .init(\mg_header.pyfunc_count),
        "mg_stack.hash": .init(\mg_stack.hash),
        "mg_stack.leaf": .init(\mg_stack.leaf),
        "mg_stack.depth": .init(\mg_stack.depth),
        "mg_stack.live_bytes": .init(\mg_stack.live_bytes),
        "mg_stack.live_count": .init(\mg_stack.live_count),
        "mg_stack.peak_bytes": .init(\mg_stack.peak_bytes),
        "mg_frame_node.word": .init(\mg_frame_node.word),
        "mg_frame_node.parent": .init(\mg_frame_node.parent),
        "mg_frame_node.depth": .init(\mg_frame_node.depth),
        "mg_pyfunc.id": .init(\mg_pyfunc.id),
        "mg_pyfunc.name_offset": .init(\mg_pyfunc.name_offset),
        "mg_pyfunc.file_offset": .init(\mg_pyfunc.file_offset),
    ]

    static let cRecordSizes: [String: Int] = [
        "mg_stack": MemoryLayout<mg_stack>.stride, "mg_pyfunc": MemoryLayout<mg_pyfunc>.stride,
        "mg_frame_node": MemoryLayout<mg_frame_node>.stride,
    ]

    static let cConstants: [String: String] = [
        "MG_MAGIC": MG_MAGIC, "MG_VERSION": "\(MG_VERSION)", "MG_HEADER_SIZE": "\(MG_HEADER_SIZE)",
        "MG_STATE_FINISHED": "\(MG_STATE_FINISHED)", "MG_PYFRAME_BIT": "\(MG_PYFRAME_BIT)",
        "MG_PYLINE_BITS": "\(MG_PYLINE_BITS)", "MG_MAX_STACK_DEPTH": "\(MG_MAX_STACK_DEPTH)",
    ]

    /// What memgate_capture.py declares, as the Python interpreter reads it.
    struct PythonLayout: Decodable {
        var fields: [String: [Int]]  // [offset, size, signed]
        var recordSizes: [String: Int]
        var constants: [String: String]
    }

    static func pythonLayout() throws -> PythonLayout {
        let script = """
            import json, struct, memgate_capture as m
            print(json.dumps({
                "fields": {name: [offset, struct.calcsize(layout), int(layout[-1].islower())]
                           for name, (offset, layout) in m.FIELDS.items()},
                "recordSizes": m.RECORD_SIZES,
                "constants": {name: value.decode() if isinstance(value, bytes) else str(value)
                              for name, value in m.CONSTANTS.items()},
            }))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [TrackerTestPaths.python, "-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = RuntimeResources.pythonDirectory.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TrackerTestSetupError(description: "\(TrackerTestPaths.python) could not import memgate_capture")
        }
        return try JSONDecoder().decode(PythonLayout.self, from: data)
    }

    @Test("every field offset, size and signedness the Python reader uses is the C struct's")
    func fieldsAgree() throws {
        let python = try Self.pythonLayout()
        #expect(!python.fields.isEmpty)
        for (name, layout) in python.fields.sorted(by: { $0.key < $1.key }) {
            guard let expected = Self.cFields[name] else {
                Issue.record("memgate_capture.py reads \(name), which this test does not know: add it to cFields")
                continue
            }
            let declared = CFieldLayout(offset: layout[0], size: layout[1], isSigned: layout[2] != 0)
            #expect(declared == expected, "\(name): Python says \(declared), the C struct \(expected)")
        }
    }

    @Test("record sizes and constants the Python reader uses are the C header's")
    func recordSizesAndConstantsAgree() throws {
        let python = try Self.pythonLayout()
        #expect(python.recordSizes == Self.cRecordSizes)
        #expect(python.constants == Self.cConstants)
    }

    @Test("the C layout is the documented one (docs/capture-format.md), so a layout change is a format change")
    func documentedOffsets() {
        #expect(Self.cFields["mg_header.file_size"]?.offset == 104)
        #expect(Self.cFields["mg_stack.live_bytes"]?.offset == 24)
        #expect(MemoryLayout<mg_header>.offset(of: \.tree_peak_bytes) == 1032)
        #expect(MemoryLayout<mg_header>.offset(of: \.role) == 1304)
        #expect(MemoryLayout<mg_stack>.stride == 72)
        #expect(MemoryLayout<mg_stack>.offset(of: \.leaf) == 8)
        #expect(MemoryLayout<mg_frame_node>.stride == 16)
        #expect(MemoryLayout<mg_frame_node>.offset(of: \.parent) == 8)
        #expect(MemoryLayout<mg_frame_node>.offset(of: \.depth) == 12)
        #expect(MG_VERSION == 2)
        #expect(MemoryLayout<mg_module>.stride == 32)
        #expect(MemoryLayout<mg_sample>.stride == 16)
        #expect(MemoryLayout<mg_tree>.offset(of: \.peak) == 24)
    }
}
