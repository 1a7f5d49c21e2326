#ifndef THREATFEED_CLIBXML2_SHIM_H
#define THREATFEED_CLIBXML2_SHIM_H

// Debian's libxml2 is built with ICU; its headers then pull in ICU types that clash with
// Foundation's bundled ICU ("'UErrorCode' has different definitions") in any module that
// sees both. We use no ICU-only API, so switch that part of the headers off first.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// What the guard saw while libxml2 parsed; lives in the parser context's `_private`.
typedef struct tf_xml_guard {
    int max_depth;
    long max_elements;
    int depth;
    long elements;
    /// Why the guard stopped the parser: 0 not stopped, 1 DOCTYPE, 2 too deep, 3 too many elements.
    int stop_reason;
    int stop_line;
    int stop_column;
    /// The first error libxml2 reported: usually the cause, where later ones are consequences.
    int first_error_code;
    int first_error_line;
    int first_error_column;
    char first_error_message[160];
} tf_xml_guard;

enum { TF_XML_STOP_NONE = 0, TF_XML_STOP_DOCTYPE = 1, TF_XML_STOP_DEPTH = 2, TF_XML_STOP_ELEMENTS = 3 };

static inline void tf_xml_guard_stop(void *ctx, int reason) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    tf_xml_guard *guard = (tf_xml_guard *)ctxt->_private;
    if (guard->stop_reason == TF_XML_STOP_NONE) {
        guard->stop_reason = reason;
        guard->stop_line = xmlSAX2GetLineNumber(ctx);
        guard->stop_column = xmlSAX2GetColumnNumber(ctx);
    }
    xmlStopParser(ctxt);
}

// Called for every <!DOCTYPE …>, before libxml2 reads its internal subset or any external
// one: stopping here means no entity is ever declared, so none can be expanded or fetched,
// whatever encoding the document used to hide the declaration from a byte scan.
static inline void tf_xml_guard_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id) {
    (void)name;
    (void)external_id;
    (void)system_id;
    tf_xml_guard_stop(ctx, TF_XML_STOP_DOCTYPE);
}

// Depth and element caps are enforced while parsing, so a hostile document stops at the cap
// instead of being built in full first.
static inline void tf_xml_guard_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                                              int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                                              int nb_defaulted, const xmlChar **attributes) {
    tf_xml_guard *guard = (tf_xml_guard *)((xmlParserCtxtPtr)ctx)->_private;
    guard->depth += 1;
    guard->elements += 1;
    if (guard->depth > guard->max_depth) {
        tf_xml_guard_stop(ctx, TF_XML_STOP_DEPTH);
        return;
    }
    if (guard->elements > guard->max_elements) {
        tf_xml_guard_stop(ctx, TF_XML_STOP_ELEMENTS);
        return;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
}

static inline void tf_xml_guard_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    tf_xml_guard *guard = (tf_xml_guard *)((xmlParserCtxtPtr)ctx)->_private;
    guard->depth -= 1;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

// Keeps the first error; libxml2's context only remembers the last one.
static inline void tf_xml_guard_error(void *ctx, xmlErrorPtr error) {
    tf_xml_guard *guard = (tf_xml_guard *)((xmlParserCtxtPtr)ctx)->_private;
    if (error == NULL || guard->first_error_code != 0 || error->level < XML_ERR_ERROR) return;
    guard->first_error_code = error->code;
    guard->first_error_line = error->line;
    guard->first_error_column = error->int2;
    if (error->message != NULL) {
        strncpy(guard->first_error_message, error->message, sizeof(guard->first_error_message) - 1);
        guard->first_error_message[sizeof(guard->first_error_message) - 1] = 0;
    }
}

static inline const char *tf_xml_guard_first_error_message(const tf_xml_guard *guard) { return guard->first_error_message; }

/// Installs the guard on a fresh context from `xmlNewParserCtxt`; `guard` must be zeroed
/// apart from its limits.
static inline void tf_xml_install_guard(xmlParserCtxtPtr ctxt, tf_xml_guard *guard) {
    ctxt->_private = guard;
    ctxt->sax->internalSubset = tf_xml_guard_doctype;
    ctxt->sax->startElementNs = tf_xml_guard_start_element;
    ctxt->sax->endElementNs = tf_xml_guard_end_element;
    ctxt->sax->serror = tf_xml_guard_error;
}

/// The only options we parse with. NONET: never touch the network. Deliberately absent:
/// NOENT (entity substitution), DTDLOAD/DTDATTR/DTDVALID (loading DTDs, defaulted attributes),
/// RECOVER (accepting malformed input), HUGE (lifting libxml2's own limits), XINCLUDE.
/// NOERROR/NOWARNING keep libxml2 off stderr; errors are read from the context instead.
/// NOCDATA merges CDATA sections into text nodes.
static inline int tf_xml_parse_options(void) {
    return XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
}

#endif
