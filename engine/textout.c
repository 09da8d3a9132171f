/* Text in JSON and XML result files: always valid UTF-8.  A byte that does not
 * start a well-formed UTF-8 sequence (a path with byte 0xFF, a message cut inside a
 * character) is written as U+FFFD, the replacement character. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

size_t engine_utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	unsigned cp = c & (0x3f >> (n - 1));
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)      /* also the terminating NUL */
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void engine_utf8_cut(char *s, size_t max)
{
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (p[k]) {
		size_t n = engine_utf8_seq(p + k);
		if (!n)
			n = 1;              /* written as U+FFFD: one byte, one character */
		if (k + n > max)
			break;
		k += n;
	}
	s[k] = 0;
}

static const char replacement[] = "\xef\xbf\xbd";

/* What is not a plain ASCII byte at p, written as it is (a well-formed multi-byte
 * character; in XML not U+FFFE or U+FFFF) or as U+FFFD: the bytes used, or 0 for an
 * ASCII byte, which the caller escapes. */
static size_t put_non_ascii(FILE *f, const unsigned char *p, bool xml)
{
	size_t n = engine_utf8_seq(p);
	if (n == 1)
		return 0;
	if (!n || (xml && n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)) {
		fputs(replacement, f);
		return n ? n : 1;
	}
	fwrite(p, 1, n, f);
	return n;
}

void engine_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		size_t used = put_non_ascii(f, p, false);
		if (used) {
			p += used - 1;
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void engine_xml_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		size_t used = put_non_ascii(f, p, true);
		if (used) {
			p += used - 1;
			continue;
		}
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* control characters XML 1.0 does not allow, as '?' */
			fputc(*p < 0x20 && *p != '\n' && *p != '\t' ? '?' : *p, f);
		}
	}
}
