// SPDX-License-Identifier: GPL-2.0
/*
 * The one libnftables context of kpptpd's tables (access.c's inet kpptpd,
 * mss.c's inet kpptpd_mss): made on first use, output and errors kept in
 * buffers, so that a failing command is logged with nftables' own words.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <nftables/libnftables.h>

#include "kpptpd.h"

static struct nft_ctx *nft;

static int ctx(const char *who)
{
	if (nft)
		return 0;
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft || nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		logmsg(LOG_ERR, "%s: nftables: cannot make a context", who);
		if (nft)
			nft_ctx_free(nft);
		nft = NULL;
		return -1;
	}
	return 0;
}

int nftx_cmd(const char *who, const char *what, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	if (ctx(who))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		logmsg(LOG_ERR, "%s: %s: command too long", who, what);
		return -1;
	}
	if (nft_run_cmd_from_buffer(nft, buf)) {
		const char *err = nft_ctx_get_error_buffer(nft);

		if (what)
			logmsg(LOG_ERR, "%s: %s: nftables: %.*s", who, what,
			       (int)strcspn(err, "\n"), err);
		return -1;
	}
	return 0;
}

void nftx_fini(void)
{
	if (nft)
		nft_ctx_free(nft);
	nft = NULL;
}
