extension RawCapture {
    /// Turns the raw capture into a symbolized `Profile`.
    ///
    /// - Parameter symbols: frames for native addresses (from a symbolizer); addresses
    ///   missing from it are shown as `0x…` in their module.
    public func profile(symbols: [UInt64: Frame] = [:]) -> Profile {
        var records: [StackRecord] = []
        for (index, stack) in stacks.enumerated() {
            guard stack.peakBytes != 0 || stack.totalBytes != 0 || stack.liveBytes != 0 else { continue }
            var frames = stack.words.reversed().map { frame(for: $0, symbols: symbols) }
            if frames.isEmpty {
                let label =
                    index == 0 && stacksDropped
                    ? "[stack table full]"
                    : pythonFunctions.isEmpty ? "[no stack]" : "[outside Python frames]"
                frames = [Frame(function: label, kind: .native)]
            }
            records.append(
                StackRecord(
                    frames: frames, bytesAtPeak: stack.peakBytes, allocationsAtPeak: stack.peakCount,
                    totalBytes: stack.totalBytes, allocationCount: stack.allocationCount, bytesAtEnd: stack.liveBytes))
        }
        return Profile(
            regionName: regionName, peakBytes: peakBytes, totalBytes: totalBytes, allocationCount: allocationCount,
            bytesAtEnd: liveBytes, peakTimeNanoseconds: peakTimeNanoseconds, durationNanoseconds: durationNanoseconds,
            completion: isFinished ? .complete : .interrupted, stacks: records, timeline: timeline)
    }

    private func frame(for word: UInt64, symbols: [UInt64: Frame]) -> Frame {
        if let python = RawCapture.pythonFrame(word) {
            let function = pythonFunctions[python.functionID]
            return Frame(
                function: function?.name ?? "?", file: function?.file, line: python.line > 0 ? python.line : nil,
                kind: .python)
        }
        if let symbol = symbols[word] { return symbol }
        let hex = "0x" + String(word, radix: 16)
        return Frame(function: hex, module: module(containing: word)?.path, kind: .native)
    }
}
