/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one version number of kpptp: kpptp.ko (modinfo), kpptpd and
 * kpptpctl (--version), and the packages (make deb checks that
 * debian/changelog agrees, CHANGELOG.md has its entry). Change it here.
 */
#ifndef KPPTP_VERSION_H
#define KPPTP_VERSION_H

#define KPPTP_VERSION "0.2.0"

#endif /* KPPTP_VERSION_H */
