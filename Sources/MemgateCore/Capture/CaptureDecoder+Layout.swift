extension CaptureDecoder {
    /// Section offsets and counts from the header, validated against the file size.
    struct Layout {
        var stacksOffset: UInt64, stackCount: UInt64
        var framesOffset: UInt64, framesUsed: UInt64
        var stringsOffset: UInt64, stringsUsed: UInt64
        var pythonFunctionsOffset: UInt64, pythonFunctionCount: UInt64
        var modulesOffset: UInt64, moduleCount: UInt64
        var timelineOffset: UInt64, timelineCount: UInt64

        init(reader: ByteReader, fileBytes: UInt64, finished: Bool) throws(CaptureError) {
            stacksOffset = reader.u64(112)
            let stackCapacity = UInt64(reader.u32(120))
            stackCount = UInt64(reader.u32(124))
            framesOffset = reader.u64(128)
            let framesCapacity = reader.u64(136)
            framesUsed = reader.u64(144)
            stringsOffset = reader.u64(152)
            let stringsCapacity = reader.u64(160)
            stringsUsed = reader.u64(168)
            pythonFunctionsOffset = reader.u64(176)
            let pythonCapacity = UInt64(reader.u32(184))
            pythonFunctionCount = UInt64(reader.u32(188))
            modulesOffset = reader.u64(192)
            let moduleCapacity = UInt64(reader.u32(200))
            moduleCount = UInt64(reader.u32(204))
            timelineOffset = reader.u64(208)
            let timelineCapacity = UInt64(reader.u32(216))
            timelineCount = UInt64(reader.u32(220))
            let sections: [(String, UInt64, UInt64, UInt64, UInt64)] = [
                ("stack", stacksOffset, stackCount, stackCapacity, UInt64(CaptureDecoder.stackRecordSize)),
                ("frame", framesOffset, framesUsed, framesCapacity, 8),
                ("string", stringsOffset, stringsUsed, stringsCapacity, 1),
                (
                    "python function", pythonFunctionsOffset, pythonFunctionCount, pythonCapacity,
                    UInt64(CaptureDecoder.pythonFunctionRecordSize)
                ),
                ("module", modulesOffset, moduleCount, moduleCapacity, UInt64(CaptureDecoder.moduleRecordSize)),
                ("timeline", timelineOffset, timelineCount, timelineCapacity, UInt64(CaptureDecoder.sampleRecordSize)),
            ]
            for (name, offset, count, capacity, size) in sections {
                guard count <= capacity, offset >= UInt64(CaptureDecoder.headerSize),
                    count < (1 << 40), offset < (1 << 48)
                else { throw .sectionOutOfBounds(section: name) }
                guard offset + count * size <= fileBytes else {
                    if finished { throw .sectionOutOfBounds(section: name) }
                    throw .truncated(expectedBytes: offset + count * size, actualBytes: Int(fileBytes))
                }
            }
        }
    }
}
