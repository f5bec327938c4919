// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the PPP authentication decoder kpptp.so runs inside
 * pppd on every frame (authname.c): the input is a frame as pppd's packet
 * hooks see it. Besides "no crash" under ASan/UBSan it checks what kpptpd
 * relies on: a name is printable ASCII without blanks, fits its buffer,
 * and decodes back to the octets the peer sent (at most AUTHNAME_MAX).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/authname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* %XX back to octets; -1 if the escaped form is not one authname made. */
static int unescape(const char *s, unsigned char *out, size_t *n)
{
	*n = 0;
	for (; *s; s++) {
		unsigned int x;

		if (*s != '%') {
			out[(*n)++] = (unsigned char)*s;
			continue;
		}
		if (sscanf(s + 1, "%2x", &x) != 1 || !s[1] || !s[2])
			return -1;
		out[(*n)++] = (unsigned char)x;
		s += 2;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[AUTHNAME_ESCAPED + 8];
	unsigned char back[AUTHNAME_ESCAPED];
	size_t n, len;

	memset(name, 0x5a, sizeof(name));
	if (authpkt_parse(data, size, name) != AUTHPKT_TRY)
		return 0;
	len = strnlen(name, sizeof(name));
	if (len >= AUTHNAME_ESCAPED || name[AUTHNAME_ESCAPED] != 0x5a)
		abort();
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] >= 0x7f)
			abort();
	if (unescape(name, back, &n) || n > AUTHNAME_MAX)
		abort();
	/* The name's octets are in the frame, after the 8-octet header. */
	if (n && !memmem(data + 8, size - 8, back, n))
		abort();
	return 0;
}
