internal import CLibXML2
import Foundation

/// Validates XML documents against a W3C XML Schema (XSD 1.0) with libxml2.
///
/// Used by the tests to hold `JUnitReport` to `junit.xsd`; no network access is made, so a
/// schema must be self-contained.
public enum XMLSchemaValidator {
    /// Checks that `xml` is well-formed and conforms to the schema at `schemaPath`.
    ///
    /// - Parameters:
    ///   - xml: the document, in the encoding its declaration names (UTF-8 by default).
    ///   - schemaPath: path of an `.xsd` file on disk.
    /// - Throws: `XMLReportError.schemaUnusable` when the schema cannot be loaded,
    ///   `.notWellFormed` when the document does not parse, `.invalid` with every violation
    ///   and its line when it does not conform.
    public static func validate(xml: Data, schemaPath: String) throws {
        LibXMLTree.initializeLibrary()
        let schema = try loadSchema(at: schemaPath)
        defer { xmlSchemaFree(schema) }
        let document = try parse(xml)
        defer { xmlFreeDoc(document) }

        let collector = LibXMLIssueCollector()
        let result: Int32 = collector.capturingThreadErrors {
            guard let context = xmlSchemaNewValidCtxt(schema) else { return -1 }
            defer { xmlSchemaFreeValidCtxt(context) }
            xmlSchemaSetValidStructuredErrors(context, LibXMLIssueCollector.handler, collector.userData)
            return xmlSchemaValidateDoc(context, document)
        }
        guard result == 0 else {
            let issues =
                collector.issues.isEmpty
                ? [XMLReportError.Issue(line: 0, message: "libxml2 validation ended with code \(result)")]
                : collector.issues
            throw XMLReportError.invalid(schemaPath: schemaPath, issues: issues)
        }
    }

    private static func loadSchema(at path: String) throws -> xmlSchemaPtr {
        let collector = LibXMLIssueCollector()
        let schema: xmlSchemaPtr? = collector.capturingThreadErrors {
            guard let parser = xmlSchemaNewParserCtxt(path) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(parser, LibXMLIssueCollector.handler, collector.userData)
            return xmlSchemaParse(parser)
        }
        guard let schema else { throw XMLReportError.schemaUnusable(path: path, issues: collector.issues) }
        return schema
    }

    private static func parse(_ xml: Data) throws -> xmlDocPtr {
        guard !xml.isEmpty else {
            throw XMLReportError.notWellFormed(issues: [.init(line: 1, message: "Document is empty")])
        }
        guard xml.count <= Int(Int32.max) else {
            throw XMLReportError.notWellFormed(issues: [.init(line: 0, message: "Document is larger than 2 GiB")])
        }
        let collector = LibXMLIssueCollector()
        let document: xmlDocPtr? = collector.capturingThreadErrors {
            xml.withUnsafeBytes { bytes in
                xmlReadMemory(
                    bytes.bindMemory(to: CChar.self).baseAddress, Int32(bytes.count), "document.xml", nil,
                    Int32(XML_PARSE_NONET.rawValue)
                )
            }
        }
        guard let document else { throw XMLReportError.notWellFormed(issues: collector.issues) }
        return document
    }
}
