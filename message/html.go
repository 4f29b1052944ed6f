package message

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// voidElements may stand without an end tag (HTML's void elements).
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "param": true,
	"source": true, "track": true, "wbr": true,
}

// activeElements run code or pull in other documents; a message body may
// hold none of them.
var activeElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "noscript": true,
}

// checkHTML applies the contract's rules for an HTML body: well formed, every
// non-void element closed explicitly and in order, no scripts or other active
// content, and no external images (an image must be inline, a data: or cid:
// URL). It returns the rules broken, at most one of each kind per tag.
func checkHTML(s string) []string {
	var errs []string
	z := html.NewTokenizer(strings.NewReader(s))
	var stack []string
	add := func(format string, a ...any) {
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, a...))
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				add("HTML cannot be read: %v", z.Err())
			}
			for i := len(stack) - 1; i >= 0; i-- {
				add("HTML element <%s> is never closed: close every element explicitly", stack[i])
			}
			return errs
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			name := t.Data
			if activeElements[name] {
				add("HTML must not contain <%s>: no scripts or active content", name)
			}
			checkAttrs(name, t.Attr, add)
			if tt == html.StartTagToken && !voidElements[name] {
				stack = append(stack, name)
			}
		case html.TextToken:
			if len(stack) > 0 && stack[len(stack)-1] == "style" && hasExternalURL(string(z.Text())) {
				add("HTML <style> must not load external resources: images must be inline")
			}
		case html.EndTagToken:
			name := z.Token().Data
			if voidElements[name] {
				continue
			}
			switch {
			case len(stack) == 0:
				add("HTML end tag </%s> has no start tag", name)
			case stack[len(stack)-1] != name:
				add("HTML end tag </%s> does not close <%s>: close elements explicitly and in order", name, stack[len(stack)-1])
				if i := lastIndex(stack, name); i >= 0 {
					stack = stack[:i]
				}
			default:
				stack = stack[:len(stack)-1]
			}
		}
	}
}

func checkAttrs(tag string, attrs []html.Attribute, add func(string, ...any)) {
	for _, a := range attrs {
		key := strings.ToLower(a.Key)
		val := strings.TrimSpace(a.Val)
		switch {
		case strings.HasPrefix(key, "on"):
			add("HTML attribute %s on <%s> is a script: no scripts", key, tag)
		case isURLAttr(key) && strings.HasPrefix(strings.ToLower(val), "javascript:"):
			add("HTML attribute %s on <%s> is a javascript: URL: no scripts", key, tag)
		case key == "srcset" && !inlineSrcset(val):
			add("HTML <%s %s> must be inline (data: or cid:): no external images", tag, key)
		case (key == "src" || key == "background" || key == "poster") && !inlineURL(val):
			add("HTML <%s %s> must be inline (data: or cid:): no external images", tag, key)
		case key == "href" && tag == "link":
			add("HTML <link> must not load external resources")
		case key == "style" && hasExternalURL(val):
			add("HTML style on <%s> must not load external resources: images must be inline", tag)
		}
	}
}

func isURLAttr(k string) bool {
	return k == "href" || k == "src" || k == "action" || k == "formaction" || k == "background" || k == "poster"
}

func inlineURL(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	return strings.HasPrefix(l, "data:") || strings.HasPrefix(l, "cid:")
}

// inlineSrcset checks every URL of a srcset list ("url 1x, url 2x"). Data
// URLs hold commas themselves, so candidates are told apart by white space:
// each field is a URL or a width/density descriptor.
func inlineSrcset(v string) bool {
	for _, f := range strings.Fields(v) {
		f = strings.Trim(f, ",")
		if f == "" || isDescriptor(f) {
			continue
		}
		if !inlineURL(f) {
			return false
		}
	}
	return true
}

func isDescriptor(f string) bool {
	last := f[len(f)-1]
	if last != 'w' && last != 'x' && last != 'h' {
		return false
	}
	for _, c := range f[:len(f)-1] {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return len(f) > 1
}

// hasExternalURL finds url(...) or @import in CSS that points anywhere but
// an inline data: URL.
func hasExternalURL(css string) bool {
	l := strings.ToLower(css)
	if strings.Contains(l, "@import") {
		return true
	}
	for {
		i := strings.Index(l, "url(")
		if i < 0 {
			return false
		}
		l = l[i+4:]
		arg := strings.TrimLeft(l, " \t\r\n'\"")
		if !strings.HasPrefix(arg, "data:") && !strings.HasPrefix(arg, "cid:") {
			return true
		}
	}
}

func lastIndex(s []string, v string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == v {
			return i
		}
	}
	return -1
}
