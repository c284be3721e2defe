package staticfiles

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
	"github.com/tdewolff/parse/v2/js"
)

// refForm says how a found reference is written back once its target's
// hashed name is known. The forms that rewrite more than the URL follow
// Django's templates, so that rewritten files (and so their hashes) are the
// bytes Django produces.
type refForm uint8

const (
	// formCSSURL: the whole url(...) token becomes url("NEW") (Django's
	// default template).
	formCSSURL refForm = iota
	// formCSSImport: "@import" + whitespace + string becomes
	// @import url("NEW") (Django's @import template).
	formCSSImport
	// formCSSImportString: the string after @import (a comment in
	// between) becomes url("NEW").
	formCSSImportString
	// formCSSSourceMap: the whole comment becomes
	// /*# sourceMappingURL=NEW */ (Django 4.1's template).
	formCSSSourceMap
	// formRaw: only the URL's own bytes are replaced (JS source map
	// comments, whose Django template keeps everything else).
	formRaw
	// formJSString: a module specifier string; the quotes are kept and
	// only its content changes.
	formJSString
)

// ref is one reference found in a CSS or JS file.
type ref struct {
	start, end int    // the bytes of the file replaced when the reference is rewritten
	url        string // the reference as written, quotes and surrounding blanks removed
	form       refForm
	quote      byte // formJSString: the quote character
}

// render returns the replacement of r's bytes for the new URL.
func (r ref) render(newURL string) string {
	switch r.form {
	case formCSSURL, formCSSImportString:
		return cssURL(newURL)
	case formCSSImport:
		return "@import " + cssURL(newURL)
	case formCSSSourceMap:
		return "/*# sourceMappingURL=" + newURL + " */"
	case formJSString:
		return string(r.quote) + newURL + string(r.quote)
	}
	return newURL
}

// cssURL is Django's url("%(url)s"), with single quotes when the URL holds
// a double quote (Django would write a broken url("a"b")).
func cssURL(u string) string {
	if strings.Contains(u, `"`) && !strings.Contains(u, `'`) {
		return "url('" + u + "')"
	}
	return `url("` + u + `")`
}

// rewriteKind is the kind of file whose references are rewritten.
type rewriteKind uint8

const (
	kindPlain rewriteKind = iota
	kindCSS
	kindJS
)

// kindOf classifies name by its extension (case-sensitive, as Django's
// fnmatchcase "*.css" and "*.js"; ".mjs" is a JS module too).
func kindOf(name string) rewriteKind {
	switch {
	case strings.HasSuffix(name, ".css"):
		return kindCSS
	case strings.HasSuffix(name, ".js"), strings.HasSuffix(name, ".mjs"):
		return kindJS
	}
	return kindPlain
}

// findRefs returns the references of data, a file of the given kind, in
// order. It never modifies data (the lexers' end marker is restored).
func findRefs(kind rewriteKind, data []byte, jsModules bool) []ref {
	if !mayHaveRefs(kind, data, jsModules) {
		return nil
	}
	switch kind {
	case kindCSS:
		return findCSSRefs(data)
	case kindJS:
		return findJSRefs(data, jsModules)
	}
	return nil
}

// mayHaveRefs is a quick scan that rules out files without any reference
// (most of a large tree's JS), so that only the others are tokenized.
func mayHaveRefs(kind rewriteKind, data []byte, jsModules bool) bool {
	if bytes.Contains(data, []byte("sourceMappingURL=")) {
		return true
	}
	switch kind {
	case kindJS:
		return jsModules && (bytes.Contains(data, []byte("import")) || bytes.Contains(data, []byte("export")))
	case kindCSS:
		for i := 0; ; {
			j := bytes.IndexAny(data[i:], "(@")
			if j < 0 {
				return false
			}
			i += j
			if data[i] == '(' && i >= 3 && bytes.EqualFold(data[i-3:i], []byte("url")) ||
				data[i] == '@' && len(data)-i > 7 && bytes.EqualFold(data[i+1:i+7], []byte("import")) {
				return true
			}
			i++
		}
	}
	return false
}

func isCSSSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// atLineStart reports whether offset i of data begins a line.
func atLineStart(data []byte, i int) bool { return i == 0 || data[i-1] == '\n' || data[i-1] == '\r' }

// atLineEnd reports whether offset i of data ends a line.
func atLineEnd(data []byte, i int) bool { return i == len(data) || data[i] == '\n' || data[i] == '\r' }

// findCSSRefs finds url(...) tokens (quoted or not, blanks inside the
// parentheses allowed), @import strings and /*# sourceMappingURL=... */
// comments on a line of their own. Comments and other strings are left
// alone: the tokenizer knows where they are.
func findCSSRefs(data []byte) []ref {
	in := parse.NewInputBytes(data)
	defer in.Restore()
	l := css.NewLexer(in)
	var refs []ref
	off := 0
	importAt, importClean := -1, false
	for {
		tt, text := l.Next()
		if tt == css.ErrorToken {
			break
		}
		start := off
		off += len(text)
		switch tt {
		case css.URLToken:
			if u, ok := cssURLInner(text); ok {
				refs = append(refs, ref{start: start, end: off, url: u, form: formCSSURL})
			}
			importAt = -1
		case css.AtKeywordToken:
			importAt, importClean = -1, false
			if bytes.EqualFold(text, []byte("@import")) {
				importAt, importClean = start, true
			}
		case css.WhitespaceToken:
		case css.CommentToken:
			importClean = false
			if u, ok := cssSourceMap(text); ok && atLineStart(data, start) && atLineEnd(data, off) {
				refs = append(refs, ref{start: start, end: off, url: u, form: formCSSSourceMap})
			}
		case css.StringToken:
			// An unterminated string (cut by the end of the file) is not
			// a reference: its last byte is content, not a quote.
			if importAt >= 0 && len(text) >= 2 && text[len(text)-1] == text[0] {
				u := strings.TrimLeft(string(text[1:len(text)-1]), " \t\n\r\f")
				if importClean {
					refs = append(refs, ref{start: importAt, end: off, url: u, form: formCSSImport})
				} else {
					refs = append(refs, ref{start: start, end: off, url: u, form: formCSSImportString})
				}
			}
			importAt = -1
		default:
			importAt = -1
		}
	}
	return refs
}

// cssURLInner returns the URL inside a url(...) token.
func cssURLInner(tok []byte) (string, bool) {
	i := bytes.IndexByte(tok, '(')
	if i < 0 {
		return "", false
	}
	s := tok[i+1:]
	if len(s) > 0 && s[len(s)-1] == ')' {
		s = s[:len(s)-1]
	}
	s = bytes.TrimFunc(s, func(r rune) bool { return r < utf8.RuneSelf && isCSSSpace(byte(r)) })
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return string(s), true
}

// cssSourceMap matches Django's /*#[ \t]sourceMappingURL=(.*)[ \t]*\*/.
func cssSourceMap(c []byte) (string, bool) {
	s := string(c)
	if len(s) < 6 || !strings.HasPrefix(s, "/*#") || (s[3] != ' ' && s[3] != '\t') || !strings.HasSuffix(s, "*/") {
		return "", false
	}
	rest, ok := strings.CutPrefix(s[4:len(s)-2], "sourceMappingURL=")
	if !ok || strings.ContainsAny(rest, "\n\r") {
		return "", false
	}
	return strings.TrimRight(rest, " \t"), true
}

// findJSRefs finds //# sourceMappingURL=... comments at the start of a line
// and, with modules, the specifiers of static imports and re-exports
// (import ... from "x", export ... from "x", import "x") and of dynamic
// imports with one string literal (import("x")), when they start with
// "./", "../" or "/". Strings elsewhere, comments, template literals and
// regular expression literals are skipped by the tokenizer.
func findJSRefs(data []byte, modules bool) []ref {
	in := parse.NewInputBytes(data)
	defer in.Restore()
	l := js.NewLexer(in)
	var refs []ref
	off := 0
	var p1, p2, p3 js.TokenType // the last three significant tokens
	var pending *ref            // import("x") waiting for its ")" or ","
	var decl moduleDecl         // where in an import/export declaration
	for {
		tt, text := l.Next()
		if tt == js.ErrorToken {
			if l.Err() == io.EOF || len(text) == 0 {
				break // end, or a lexing error that cannot go on: what was found stands
			}
			off += len(text)
			if off >= len(data) {
				// The error consumed the last byte: the lexer would read
				// past the end on the next call (tdewolff/parse v2.8.20
				// panics in Input.Peek; found by FuzzFindRefs).
				break
			}
			p3, p2, p1 = p2, p1, tt
			pending, decl = nil, moduleDecl{}
			continue
		}
		start := off
		if (tt == js.DivToken || tt == js.DivEqToken) && regexpAllowed(p1) {
			if rt, rtext := l.RegExp(); rt == js.RegExpToken {
				tt, text = rt, rtext
			} else {
				break // an unterminated regular expression: stop here
			}
		}
		off += len(text)
		switch tt {
		case js.WhitespaceToken, js.LineTerminatorToken:
			continue
		case js.CommentToken, js.CommentLineTerminatorToken:
			if u, s, ok := jsSourceMap(text); ok && atLineStart(data, start) {
				refs = append(refs, ref{start: start + s, end: start + s + len(u), url: u, form: formRaw})
			}
			continue
		}
		if pending != nil {
			if tt == js.CloseParenToken || tt == js.CommaToken {
				refs = append(refs, *pending)
			}
			pending = nil
		}
		specifier := decl.next(tt, p1) // a string here follows the "from" of an import/export
		if tt == js.StringToken && modules && len(text) >= 2 {
			spec := string(text[1 : len(text)-1])
			r := ref{start: start, end: off, url: spec, form: formJSString, quote: text[0]}
			relative := strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || strings.HasPrefix(spec, "/")
			switch {
			case !relative || strings.ContainsRune(spec, '\\'):
			case specifier, p1 == js.ImportToken && p2 != js.DotToken:
				refs = append(refs, r)
			case p1 == js.OpenParenToken && p2 == js.ImportToken && p3 != js.DotToken:
				pending = &r
			}
		}
		p3, p2, p1 = p2, p1, tt
	}
	return refs
}

// moduleDecl follows the module declarations that name a module after
// "from": import x from "m", import {a, b as c} from "m", import * as ns
// from "m", export * from "m", export * as ns from "m", export {a} from
// "m". Everywhere else "from" is an identifier (const from = 1), and a
// string after it is not a module specifier.
type moduleDecl struct {
	state uint8 // one of the decl* constants
	depth int   // braces open in the clause
}

const (
	declNone   uint8 = iota
	declImport       // just after a statement's "import"
	declExport       // just after "export"
	declClause       // in the clause before "from"
	declFrom         // just after the clause's "from"
)

// next moves the declaration on by the significant token tt (prev is the
// token before it) and reports whether tt stands where the module
// specifier of a declaration goes.
func (d *moduleDecl) next(tt, prev js.TokenType) bool {
	state := d.state
	d.state = declNone
	switch state {
	case declImport: // import( and import. are expressions; import "m" has no clause
		switch {
		case tt == js.OpenBraceToken:
			d.state, d.depth = declClause, 1
		case tt == js.MulToken || js.IsIdentifier(tt): // a default binding may be called "from"
			d.state = declClause
		}
	case declExport: // export default, const, function... name no module
		switch tt {
		case js.OpenBraceToken:
			d.state, d.depth = declClause, 1
		case js.MulToken:
			d.state = declClause
		}
	case declClause:
		switch {
		case d.depth > 0: // names inside braces may be "from", or strings
			d.state = declClause
			if tt == js.OpenBraceToken {
				d.depth++
			} else if tt == js.CloseBraceToken {
				d.depth--
			}
		case tt == js.FromToken:
			d.state = declFrom
		case tt == js.OpenBraceToken:
			d.state, d.depth = declClause, 1
		case tt == js.CommaToken || tt == js.MulToken || js.IsIdentifier(tt): // not a reserved word: a new statement
			d.state = declClause
		}
	case declFrom:
		if tt == js.FromToken { // the "from" before was a name: export * as from from "m"
			d.state = declFrom
			return false
		}
		return tt == js.StringToken
	}
	if d.state == declNone && prev != js.DotToken {
		switch tt {
		case js.ImportToken:
			d.state = declImport
		case js.ExportToken:
			d.state = declExport
		}
	}
	return false
}

// regexpAllowed reports whether a "/" after the token prev starts a
// regular expression literal rather than a division.
func regexpAllowed(prev js.TokenType) bool {
	switch prev {
	case js.ErrorToken: // start of the file
		return true
	case js.CloseParenToken, js.CloseBracketToken, js.StringToken, js.TemplateToken, js.TemplateEndToken,
		js.RegExpToken, js.ThisToken, js.SuperToken, js.NullToken, js.TrueToken, js.FalseToken,
		js.PrivateIdentifierToken, js.IncrToken, js.DecrToken:
		return false
	case js.CloseBraceToken:
		return true // a block ends far more often than an object literal is divided
	}
	switch {
	case js.IsNumeric(prev), js.IsIdentifier(prev):
		return false
	case js.IsPunctuator(prev), js.IsOperator(prev), js.IsReservedWord(prev):
		return true
	}
	return false
}

// jsSourceMap matches Django's ^//# sourceMappingURL=(.*)$ and returns the
// URL (trailing blanks removed) and its offset in the comment.
func jsSourceMap(c []byte) (string, int, bool) {
	const p = "//# sourceMappingURL="
	if !bytes.HasPrefix(c, []byte(p)) {
		return "", 0, false
	}
	u := strings.TrimRight(string(c[len(p):]), " \t\r\n")
	if u == "" {
		return "", 0, false
	}
	return u, len(p), true
}

// applyEdits returns data with each edit's span replaced by its text; edits
// are in order and do not overlap.
func applyEdits(data []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return data
	}
	n := len(data)
	for _, e := range edits {
		n += len(e.text) - (e.end - e.start)
	}
	out := make([]byte, 0, n)
	last := 0
	for _, e := range edits {
		out = append(out, data[last:e.start]...)
		out = append(out, e.text...)
		last = e.end
	}
	return append(out, data[last:]...)
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}
