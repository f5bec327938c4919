/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one version number of kpptp: kpptp.ko (modinfo), kpptpd and
 * kpptpctl (--version), and the packages (make deb checks that
 * debian/changelog agrees, CHANGELOG.md has its entry). Change it here.
 */
#ifndef KPPTP_VERSION_H
#define KPPTP_VERSION_H

#define KPPTP_VERSION "0.2.0"

/*
 * A test build that must differ (selftests' kpptpd-next, which a restart
 * in place moves onto): the Makefile gives its version, this one's plus
 * a suffix.
 */
#ifdef KPPTP_VERSION_OVERRIDE
# undef KPPTP_VERSION
# define KPPTP_VERSION KPPTP_VERSION_OVERRIDE
#endif

#endif /* KPPTP_VERSION_H */
