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
 * in place moves onto): the version with KPPTP_VERSION_SUFFIX after it.
 */
#ifdef KPPTP_VERSION_SUFFIX
# undef KPPTP_VERSION
# define KPPTP_VERSION "0.2.0" KPPTP_VERSION_SUFFIX
#endif

#endif /* KPPTP_VERSION_H */
