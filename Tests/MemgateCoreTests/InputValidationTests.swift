import Foundation
import Testing

@testable import MemgateCore

/// Inputs are rejected with a message that says what is wrong, before anything runs.
@Suite struct InputValidationTests {
    private static let head = "version: 1\ntargets:\n"

    @Test(
        "a baseline number out of range is named as such, not as invalid JSON",
        arguments: ["99999999999999999999", "1e30", "-99999999999999999999"])
    func baselineNumberOutOfRange(number: String) {
        let text = """
            {"formatVersion": 1, "name": "x", "peakBytes": \(number), "totalBytes": 1, "allocationCount": 1,
             "bytesAtEnd": 0, "sites": {}, "environment": {"libc": "glibc 2.36", "arch": "x86_64"}}
            """
        do {
            _ = try BaselineCodec.decode(Data(text.utf8), path: "Baselines/x.json")
            Issue.record("accepted \(number)")
        } catch {
            let message = "\(error)"
            #expect(!message.contains("not valid JSON"), "\(message)")
            #expect(message.contains("peakBytes"), "\(message)")
            #expect(message.contains("out of range"), "\(message)")
        }
    }

    @Test func targetNameOver200BytesIsRejectedAtItsPosition() {
        let name = String(repeating: "a", count: 201)
        let yaml = Self.head + "  - name: \(name)\n    command: [x]\n"
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: yaml, path: "m.yml") }
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: "m.yml")
        } catch {
            #expect(error.line == 3 && error.column == 11)
            #expect(error.description.hasPrefix("m.yml:3:11: targets[0].name: target name is 201 bytes long"))
        }
        #expect(throws: Never.self) {
            try ConfigLoader.parse(
                yaml: Self.head + "  - name: \(String(repeating: "a", count: 200))\n    command: [x]\n", path: "m.yml")
        }
    }

    @Test func repeatHasAnUpperBound() {
        let yaml = Self.head + "  - name: a\n    command: [x]\n    repeat: 1000000\n"
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: "m.yml")
            Issue.record("repeat: 1000000 accepted")
        } catch {
            #expect(
                error.description
                    == "m.yml:5:13: targets[0].repeat: expected a run count from 1 to 100 such as 3, found 1000000")
        }
    }

    @Test("a config with 72 duplicate keys is rejected in well under a second")
    func manyDuplicateKeysAreFast() {
        let lines = (0...72).map { _ in "    limit: 1 KB\n" }.joined()
        let yaml = Self.head + "  - name: a\n    command: [x]\n" + lines
        let start = Date()
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: "m.yml")
            Issue.record("duplicates accepted")
        } catch {
            #expect(error.description == "m.yml:6:5: targets[0].limit: duplicate key 'limit'; the first is on line 5")
        }
        #expect(Date().timeIntervalSince(start) < 0.5)
    }
}
