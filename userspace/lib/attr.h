/* SPDX-License-Identifier: GPL-2.0 */
/* libkpptp inside: the one attribute walker, shared by its decoders. */
#ifndef KPPTP_LIB_ATTR_H
#define KPPTP_LIB_ATTR_H

#include <libmnl/libmnl.h>

/*
 * Call cb for each attribute from first up to tail. MNL_CB_OK when they
 * end exactly at tail and cb accepted all; MNL_CB_ERROR otherwise (unlike
 * mnl_attr_parse(), an attribute that overruns tail is an error).
 */
int kpptp_attr_walk(const struct nlattr *first, const void *tail,
		    mnl_attr_cb_t cb, void *data);

#endif /* KPPTP_LIB_ATTR_H */
