import CMemgateCaptureFormat

extension CaptureDecoder {
    /// Section offsets and counts from the header, validated against the file size.
    struct Layout {
        var stacksOffset: UInt64, stackCount: UInt64
        /// Frame nodes (version 1: frame words).
        var framesOffset: UInt64, framesUsed: UInt64
        var stringsOffset: UInt64, stringsUsed: UInt64
        var pythonFunctionsOffset: UInt64, pythonFunctionCount: UInt64
        var modulesOffset: UInt64, moduleCount: UInt64
        var timelineOffset: UInt64, timelineCount: UInt64

        init(header: mg_header, fileBytes: UInt64, finished: Bool) throws(CaptureError) {
            stacksOffset = header.stacks_offset
            stackCount = UInt64(header.stack_count)
            framesOffset = header.nodes_offset
            framesUsed = header.nodes_used
            stringsOffset = header.strings_offset
            stringsUsed = header.strings_used
            pythonFunctionsOffset = header.pyfuncs_offset
            pythonFunctionCount = UInt64(header.pyfunc_count)
            modulesOffset = header.modules_offset
            moduleCount = UInt64(header.module_count)
            timelineOffset = header.timeline_offset
            timelineCount = UInt64(header.timeline_count)
            let sections: [(String, UInt64, UInt64, UInt64, Int)] = [
                ("stack", stacksOffset, stackCount, UInt64(header.stack_capacity), MemoryLayout<mg_stack>.stride),
                (
                    "frame", framesOffset, framesUsed, header.nodes_capacity,
                    header.version == MG_VERSION_FLAT_FRAMES
                        ? MemoryLayout<UInt64>.stride : MemoryLayout<mg_frame_node>.stride
                ),
                ("string", stringsOffset, stringsUsed, header.strings_capacity, MemoryLayout<CChar>.stride),
                (
                    "python function", pythonFunctionsOffset, pythonFunctionCount, UInt64(header.pyfunc_capacity),
                    MemoryLayout<mg_pyfunc>.stride
                ),
                ("module", modulesOffset, moduleCount, UInt64(header.module_capacity), MemoryLayout<mg_module>.stride),
                (
                    "timeline", timelineOffset, timelineCount, UInt64(header.timeline_capacity),
                    MemoryLayout<mg_sample>.stride
                ),
            ]
            for (name, offset, count, capacity, size) in sections {
                // Bounded first, so `offset + count * size` below cannot overflow.
                guard count <= capacity, offset >= UInt64(CaptureFormat.headerSize),
                    count < (1 << 40), offset < (1 << 48)
                else { throw .sectionOutOfBounds(section: name) }
                let end = offset + count * UInt64(size)
                guard end <= fileBytes else {
                    if finished { throw .sectionOutOfBounds(section: name) }
                    throw .truncated(expectedBytes: end, actualBytes: Int(fileBytes))
                }
            }
        }
    }
}
