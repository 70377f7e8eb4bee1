internal import CLibXML2
import Foundation

/// A libxml2 document under construction. Every name and text is passed through
/// `TextSanitizer.xml` first and escaped by libxml2 on output, so the result is always
/// well-formed whatever the input.
final class LibXMLTree {
    private let document: xmlDocPtr

    /// libxml2 2.9 does not guard its own first initialization against concurrent callers, so
    /// it runs once, behind Swift's thread-safe lazy static initialization.
    private static let libraryInitialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initializes libxml2 once per process; call before any other libxml2 function.
    static func initializeLibrary() {
        _ = libraryInitialized
    }

    init() throws {
        Self.initializeLibrary()
        guard let document = Self.withXMLChars("1.0", { xmlNewDoc($0) }) else {
            throw XMLReportError.serializationFailed("create a document")
        }
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    /// Creates the document element.
    func makeRoot(_ name: String) throws -> xmlNodePtr {
        guard let node = Self.withXMLChars(name, { xmlNewDocNode(document, nil, $0, nil) }) else {
            throw XMLReportError.serializationFailed("create element <\(name)>")
        }
        xmlDocSetRootElement(document, node)
        return node
    }

    /// Appends a child element, with `text` as its (escaped) content when given.
    @discardableResult
    func addChild(_ name: String, to parent: xmlNodePtr, text: String? = nil) throws -> xmlNodePtr {
        let node = Self.withXMLChars(name) { namePointer in
            guard let text else { return xmlNewTextChild(parent, nil, namePointer, nil) }
            return Self.withXMLChars(text) { xmlNewTextChild(parent, nil, namePointer, $0) }
        }
        guard let node else { throw XMLReportError.serializationFailed("create element <\(name)>") }
        return node
    }

    /// Sets an attribute; libxml2 escapes `<`, `&`, `"` and line breaks on output.
    func setAttribute(_ name: String, _ value: String, on node: xmlNodePtr) throws {
        let attribute = Self.withXMLChars(name) { namePointer in
            Self.withXMLChars(value) { xmlSetProp(node, namePointer, $0) }
        }
        guard attribute != nil else { throw XMLReportError.serializationFailed("set attribute \(name)") }
    }

    /// The document as indented UTF-8 with an XML declaration.
    func serialized() throws -> Data {
        guard let buffer = xmlBufferCreate() else { throw XMLReportError.serializationFailed("allocate a buffer") }
        defer { xmlBufferFree(buffer) }
        guard let save = xmlSaveToBuffer(buffer, "UTF-8", Int32(XML_SAVE_FORMAT.rawValue)) else {
            throw XMLReportError.serializationFailed("start serializing")
        }
        let written = xmlSaveDoc(save, document)
        let closed = xmlSaveClose(save)
        guard written >= 0, closed >= 0, let content = xmlBufferContent(buffer) else {
            throw XMLReportError.serializationFailed("serialize the document")
        }
        return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
    }

    /// Passes `text`, sanitized, to libxml2 as `const xmlChar *` (UTF-8, NUL-terminated).
    /// Sanitizing also removes U+0000, which would otherwise cut the C string short.
    static func withXMLChars<Result>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        TextSanitizer.xml(text).withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }
}
