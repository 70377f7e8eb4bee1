internal import CLibXML2
import Foundation

/// Collects the structured errors libxml2 reports during one operation, so they can be
/// thrown as `XMLReportError.Issue`s instead of being printed to stderr.
final class LibXMLIssueCollector {
    private(set) var issues: [XMLReportError.Issue] = []

    /// This collector as libxml2 `userData`; valid while the collector is alive.
    var userData: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// A C callback appending to the collector passed as `userData`.
    static var handler: xmlStructuredErrorFunc {
        { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<LibXMLIssueCollector>.fromOpaque(userData).takeUnretainedValue()
            collector.record(error.pointee)
        }
    }

    /// Runs `body` with this collector as the calling thread's structured error handler.
    ///
    /// libxml2 keeps that handler per thread, so concurrent callers do not see each other's errors.
    func capturingThreadErrors<Result>(_ body: () throws -> Result) rethrows -> Result {
        xmlSetStructuredErrorFunc(userData, Self.handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return try withExtendedLifetime(self) { try body() }
    }

    private func record(_ error: xmlError) {
        let message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        issues.append(
            XMLReportError.Issue(
                line: Int(error.line), message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        )
    }
}
