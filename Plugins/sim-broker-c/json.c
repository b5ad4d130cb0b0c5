/*
 * A small JSON reader and writer for sim-broker: enough for the venue's flat objects and arrays
 * of flat objects. The reader is bounded and total: it never reads past the length it is given,
 * refuses malformed input (bad grammar, invalid UTF-8, lone surrogates, \u0000, numbers that do not
 * fit a double, nesting deeper than JSON_MAX_DEPTH, more than JSON_MAX_NODES values) with a reason,
 * and keeps strings raw until asked, so a value is copied only when it is used.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_broker.h"

typedef struct parser {
    json_doc *doc;
    const char *s;
    size_t len, pos;
    int depth;
    char *error;
    size_t error_capacity;
} parser;

static int fail(parser *p, const char *what) {
    if (p->error != NULL && p->error_capacity > 0) snprintf(p->error, p->error_capacity, "%s at byte %zu", what, p->pos);
    return -1;
}

/* Appends a node and writes its index to `*out`; -1 on failure. */
static int new_node(parser *p, uint8_t type, uint32_t *out) {
    json_doc *d = p->doc;
    if (d->count == d->capacity) {
        if (d->capacity >= JSON_MAX_NODES) {
            return fail(p, "too many values");
        }
        uint32_t capacity = d->capacity ? d->capacity * 2 : 16;
        if (capacity > JSON_MAX_NODES) capacity = JSON_MAX_NODES;
        json_node *grown = realloc(d->nodes, (size_t)capacity * sizeof *grown);
        if (grown == NULL) {
            return fail(p, "out of memory");
        }
        d->nodes = grown;
        d->capacity = capacity;
    }
    uint32_t index = d->count++;
    memset(&d->nodes[index], 0, sizeof d->nodes[index]);
    d->nodes[index].type = type;
    *out = index;
    return 0;
}

static void skip_space(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits at s[at..at+3] (the caller checked the bounds). */
static long hex4(const char *s, size_t at) {
    long value = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_value(s[at + i]);
        if (h < 0) return -1;
        value = value * 16 + h;
    }
    return value;
}

/* Length of the valid UTF-8 sequence starting at s[at], or 0. */
static size_t utf8_length(const unsigned char *s, size_t at, size_t len) {
    unsigned char c = s[at];
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (len - at < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[at + i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[at + i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return n;
}

/* Scans a string at p->pos (an opening quote); sets the span of its contents. */
static int scan_string(parser *p, uint32_t *off, uint32_t *len, uint8_t *escaped) {
    const unsigned char *s = (const unsigned char *)p->s;
    p->pos++;
    size_t start = p->pos;
    *escaped = 0;
    for (;;) {
        if (p->pos >= p->len) return fail(p, "unterminated string");
        unsigned char c = s[p->pos];
        if (c == '"') break;
        if (c < 0x20) return fail(p, "control character in a string");
        if (c == '\\') {
            *escaped = 1;
            if (p->len - p->pos < 2) return fail(p, "unterminated escape");
            char e = p->s[p->pos + 1];
            if (strchr("\"\\/bfnrt", e) != NULL && e != '\0') {
                p->pos += 2;
                continue;
            }
            if (e != 'u' || p->len - p->pos < 6) return fail(p, "bad escape");
            long cp = hex4(p->s, p->pos + 2);
            if (cp < 0) return fail(p, "bad \\u escape");
            if (cp == 0) return fail(p, "\\u0000 in a string");
            if (cp >= 0xdc00 && cp <= 0xdfff) return fail(p, "lone low surrogate");
            p->pos += 6;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') return fail(p, "lone high surrogate");
                long low = hex4(p->s, p->pos + 2);
                if (low < 0xdc00 || low > 0xdfff) return fail(p, "lone high surrogate");
                p->pos += 6;
            }
            continue;
        }
        size_t n = utf8_length(s, p->pos, p->len);
        if (n == 0) return fail(p, "invalid UTF-8 in a string");
        p->pos += n;
    }
    if (p->pos - start > UINT32_MAX) return fail(p, "string too long");
    *off = (uint32_t)start;
    *len = (uint32_t)(p->pos - start);
    p->pos++; /* the closing quote */
    return 0;
}

static int scan_number(parser *p, double *out) {
    size_t start = p->pos;
    const char *s = p->s;
    if (p->pos < p->len && s[p->pos] == '-') p->pos++;
    if (p->pos >= p->len) return fail(p, "bad number");
    if (s[p->pos] == '0') {
        p->pos++;
    } else if (s[p->pos] >= '1' && s[p->pos] <= '9') {
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
    } else {
        return fail(p, "bad number");
    }
    if (p->pos < p->len && s[p->pos] == '.') {
        p->pos++;
        size_t digits = p->pos;
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
        if (p->pos == digits) return fail(p, "bad fraction");
    }
    if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-')) p->pos++;
        size_t digits = p->pos;
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
        if (p->pos == digits) return fail(p, "bad exponent");
    }
    size_t n = p->pos - start;
    if (n > JSON_MAX_NUMBER) return fail(p, "number too long");
    char buf[JSON_MAX_NUMBER + 1];
    memcpy(buf, s + start, n);
    buf[n] = '\0';
    /* strtod follows the C locale's decimal point; JSON's is always '.'. */
    const struct lconv *conv = localeconv();
    if (conv != NULL && conv->decimal_point != NULL && conv->decimal_point[0] != '\0' && conv->decimal_point[0] != '.' &&
        conv->decimal_point[1] == '\0') {
        char *dot = strchr(buf, '.');
        if (dot != NULL) *dot = conv->decimal_point[0];
    }
    char *end = NULL;
    double value = strtod(buf, &end);
    if (end != buf + n) return fail(p, "bad number");
    if (!isfinite(value)) return fail(p, "number out of range");
    *out = value;
    return 0;
}

static int parse_value(parser *p, uint32_t *out_index);

/* Parses an array or object at p->pos. */
static int parse_container(parser *p, uint32_t index, int object) {
    char close = object ? '}' : ']';
    if (++p->depth > JSON_MAX_DEPTH) return fail(p, "nested too deeply");
    p->pos++;
    skip_space(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return 0;
    }
    uint32_t previous = 0;
    for (;;) {
        uint32_t key_off = 0, key_len = 0;
        uint8_t key_escaped = 0;
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"') return fail(p, "expected a key");
            if (scan_string(p, &key_off, &key_len, &key_escaped) != 0) return -1;
            skip_space(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') return fail(p, "expected ':'");
            p->pos++;
            skip_space(p);
        }
        uint32_t child = 0;
        if (parse_value(p, &child) != 0) return -1;
        json_node *nodes = p->doc->nodes;
        nodes[child].key_off = key_off;
        nodes[child].key_len = key_len;
        nodes[child].key_escaped = key_escaped;
        if (previous == 0) nodes[index].first = child;
        else nodes[previous].next = child;
        previous = child;
        skip_space(p);
        if (p->pos >= p->len) return fail(p, object ? "unterminated object" : "unterminated array");
        char c = p->s[p->pos];
        if (c == close) {
            p->pos++;
            p->depth--;
            return 0;
        }
        if (c != ',') return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        p->pos++;
        skip_space(p);
    }
}

static int literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) return fail(p, "unexpected character");
    p->pos += n;
    return 0;
}

static int parse_value(parser *p, uint32_t *out_index) {
    if (p->pos >= p->len) return fail(p, "unexpected end");
    char c = p->s[p->pos];
    uint8_t type;
    switch (c) {
    case '{': type = JSON_OBJECT; break;
    case '[': type = JSON_ARRAY; break;
    case '"': type = JSON_STRING; break;
    case 't': type = JSON_TRUE; break;
    case 'f': type = JSON_FALSE; break;
    case 'n': type = JSON_NULL; break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            type = JSON_NUMBER;
            break;
        }
        return fail(p, "unexpected character");
    }
    uint32_t index = 0;
    if (new_node(p, type, &index) != 0) return -1;
    *out_index = index;
    switch (type) {
    case JSON_OBJECT: return parse_container(p, index, 1);
    case JSON_ARRAY: return parse_container(p, index, 0);
    case JSON_TRUE: return literal(p, "true");
    case JSON_FALSE: return literal(p, "false");
    case JSON_NULL: return literal(p, "null");
    case JSON_NUMBER: {
        double value = 0;
        if (scan_number(p, &value) != 0) return -1;
        p->doc->nodes[index].number = value;
        return 0;
    }
    default: {
        uint32_t off = 0, len = 0;
        uint8_t escaped = 0;
        if (scan_string(p, &off, &len, &escaped) != 0) return -1;
        p->doc->nodes[index].str_off = off;
        p->doc->nodes[index].str_len = len;
        p->doc->nodes[index].escaped = escaped;
        return 0;
    }
    }
}

int json_parse(json_doc *doc, const char *text, size_t len, char *error, size_t error_capacity) {
    memset(doc, 0, sizeof *doc);
    parser p = {doc, text, len, 0, 0, error, error_capacity};
    if (text == NULL && len > 0) return fail(&p, "no text");
    if (len > JSON_MAX_INPUT) return fail(&p, "input too large");
    doc->text = text;
    doc->len = len;
    skip_space(&p);
    uint32_t root = 0;
    if (parse_value(&p, &root) != 0) {
        json_free(doc);
        return -1;
    }
    skip_space(&p);
    if (p.pos != len) {
        fail(&p, "trailing characters");
        json_free(doc);
        return -1;
    }
    return 0;
}

void json_free(json_doc *doc) {
    free(doc->nodes);
    memset(doc, 0, sizeof *doc);
}

const json_node *json_root(const json_doc *doc) { return doc->count > 0 ? &doc->nodes[0] : NULL; }

const json_node *json_first(const json_doc *doc, const json_node *parent) {
    if (parent == NULL || (parent->type != JSON_ARRAY && parent->type != JSON_OBJECT) || parent->first == 0) return NULL;
    return &doc->nodes[parent->first];
}

const json_node *json_next(const json_doc *doc, const json_node *node) {
    if (node == NULL || node->next == 0) return NULL;
    return &doc->nodes[node->next];
}

/* Undoes the escapes of a span checked by scan_string. -1 when it does not fit `capacity` with a NUL. */
static int decode(const char *s, size_t len, char *out, size_t capacity, size_t *out_len) {
    size_t o = 0, i = 0;
    if (capacity == 0) return -1;
    while (i < len) {
        char c = s[i];
        uint32_t cp;
        if (c != '\\') {
            if (o + 1 >= capacity) return -1;
            out[o++] = c;
            i++;
            continue;
        }
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            cp = (uint32_t)hex4(s, i);
            i += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)hex4(s, i + 2) - 0xdc00);
                i += 6;
            }
            break;
        default: cp = (unsigned char)e; break;
        }
        char bytes[4];
        size_t n;
        if (cp < 0x80) { bytes[0] = (char)cp; n = 1; }
        else if (cp < 0x800) { bytes[0] = (char)(0xc0 | (cp >> 6)); bytes[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
        else if (cp < 0x10000) {
            bytes[0] = (char)(0xe0 | (cp >> 12)); bytes[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
            bytes[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
        } else {
            bytes[0] = (char)(0xf0 | (cp >> 18)); bytes[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
            bytes[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); bytes[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
        }
        if (o + n >= capacity) return -1;
        memcpy(out + o, bytes, n);
        o += n;
    }
    out[o] = '\0';
    if (out_len != NULL) *out_len = o;
    return 0;
}

int json_string_value(const json_doc *doc, const json_node *node, char *out, size_t capacity, size_t *out_len) {
    if (node == NULL || node->type != JSON_STRING) return -1;
    return decode(doc->text + node->str_off, node->str_len, out, capacity, out_len);
}

const json_node *json_member(const json_doc *doc, const json_node *object, const char *key) {
    if (object == NULL || object->type != JSON_OBJECT) return NULL;
    size_t key_len = strlen(key);
    for (const json_node *m = json_first(doc, object); m != NULL; m = json_next(doc, m)) {
        if (!m->key_escaped) {
            if (m->key_len == key_len && memcmp(doc->text + m->key_off, key, key_len) == 0) return m;
            continue;
        }
        char name[128];
        size_t n = 0;
        if (decode(doc->text + m->key_off, m->key_len, name, sizeof name, &n) == 0 && n == key_len && memcmp(name, key, n) == 0) return m;
    }
    return NULL;
}

int json_get_number(const json_doc *doc, const json_node *object, const char *key, double *out) {
    const json_node *m = json_member(doc, object, key);
    if (m == NULL) return 0;
    if (m->type != JSON_NUMBER) return -1;
    *out = m->number;
    return 1;
}

int json_get_string(const json_doc *doc, const json_node *object, const char *key, char *out, size_t capacity) {
    const json_node *m = json_member(doc, object, key);
    if (m == NULL) return 0;
    return json_string_value(doc, m, out, capacity, NULL) == 0 ? 1 : -1;
}

/* ---------------------------------------------------------------------------------------------- */
/* Writing                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

void jw_init(json_writer *w, char *buf, size_t capacity) {
    w->buf = buf;
    w->capacity = capacity;
    w->len = 0;
    w->failed = capacity == 0;
    if (capacity > 0) buf[0] = '\0';
}

static void put(json_writer *w, const char *bytes, size_t n) {
    if (w->failed) return;
    if (w->capacity - w->len <= n) {
        w->failed = 1;
        return;
    }
    memcpy(w->buf + w->len, bytes, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

void jw_raw(json_writer *w, const char *text) { put(w, text, strlen(text)); }

void jw_string(json_writer *w, const char *text, size_t len) {
    put(w, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        char escape[8];
        if (c == '"') put(w, "\\\"", 2);
        else if (c == '\\') put(w, "\\\\", 2);
        else if (c == '\n') put(w, "\\n", 2);
        else if (c == '\r') put(w, "\\r", 2);
        else if (c == '\t') put(w, "\\t", 2);
        else if (c < 0x20 || c == 0x7f) {
            snprintf(escape, sizeof escape, "\\u%04x", (unsigned)c);
            put(w, escape, 6);
        } else {
            put(w, (const char *)&text[i], 1);
        }
    }
    put(w, "\"", 1);
}

void jw_number(json_writer *w, double value) {
    if (!isfinite(value)) {
        w->failed = 1;
        return;
    }
    char buf[40];
    int n = snprintf(buf, sizeof buf, "%.17g", value);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        w->failed = 1;
        return;
    }
    /* Whatever the locale's decimal point, JSON's is '.'. */
    for (int i = 0; i < n; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E')) buf[i] = '.';
    }
    put(w, buf, (size_t)n);
}
