import CLibXML2
import Foundation

@testable import MemgateReports

/// Reads a document back with libxml2, for tests that check what a parser sees.
final class LibXMLReading {
    private let document: xmlDocPtr

    /// Parses `data`; nil when it is not well-formed.
    init?(_ data: Data) {
        LibXMLTree.initializeLibrary()
        let document = data.withUnsafeBytes { bytes in
            xmlReadMemory(
                bytes.bindMemory(to: CChar.self).baseAddress, Int32(bytes.count), "test.xml", nil,
                Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
            )
        }
        guard let document else { return nil }
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    /// The elements below the root along `path` ("testsuite/testcase"), in document order.
    func elements(_ path: String) -> [xmlNodePtr] {
        guard let root = xmlDocGetRootElement(document) else { return [] }
        var nodes = [root]
        for step in path.split(separator: "/") {
            nodes = nodes.flatMap { children(of: $0).filter { name(of: $0) == String(step) } }
        }
        return nodes
    }

    var rootName: String? { xmlDocGetRootElement(document).map(name(of:)) }
    var root: xmlNodePtr? { xmlDocGetRootElement(document) }

    func attribute(_ attribute: String, of node: xmlNodePtr) -> String? {
        let property = attribute.withCString {
            xmlHasProp(node, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self))
        }
        guard let property, let text = property.pointee.children,
            let content = text.pointee.content
        else { return nil }
        return String(cString: content)
    }

    /// The concatenated text children of `node`.
    func text(of node: xmlNodePtr) -> String {
        var result = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                let content = current.pointee.content
            {
                result += String(cString: content)
            }
            child = current.pointee.next
        }
        return result
    }

    func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    func name(of node: xmlNodePtr) -> String { String(cString: node.pointee.name) }
}
