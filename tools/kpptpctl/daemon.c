// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl daemon restart: kpptpd runs a new binary in its own process
 * and hands it every connection and call (kpptpd's handover.c); no peer
 * notices. The answer comes from the new kpptpd, or from the old one
 * saying why it did not restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpctl.h"

int cmd_daemon(struct ctl *c, int argc, char **argv)
{
	const char *binary = "";
	char req[400], *answer = NULL;
	int rc;

	(void)c;
	if (argc < 1 || strcmp(argv[0], "restart"))
		return usage_error("%s", "daemon needs 'restart [--binary PATH]'");
	if (argc == 3 && !strcmp(argv[1], "--binary")) {
		binary = argv[2];
		if (binary[0] != '/' || strlen(binary) > 255 || strpbrk(binary, " \n\r"))
			return usage_error("daemon restart --binary needs an absolute path without blanks, not '%s'",
					   binary);
	} else if (argc != 1) {
		return usage_error("%s", "daemon restart takes only --binary PATH");
	}
	snprintf(req, sizeof(req), "restart%s%s\n", binary[0] ? " " : "", binary);
	rc = ask(req, &answer);
	if (rc)
		return rc;
	if (!strncmp(answer, "ok ", 3)) {
		fputs(answer + 3, stdout);
		rc = EXIT_OK;
	} else {
		fprintf(stderr, "kpptpctl: kpptpd did not restart: %s",
			!strncmp(answer, "error ", 6) ? answer + 6 : answer);
		rc = EXIT_FAIL;
	}
	free(answer);
	return rc;
}
