// SPDX-License-Identifier: GPL-2.0
/*
 * Names of PPTP control messages, results and errors, for log lines and
 * kpptpctl: the RFC's words, so an admin can look them up.
 */
#include <stdio.h>

#include "kpptp/ctrl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const type_names[] = {
	[PPTP_SCCRQ] = "Start-Control-Connection-Request",
	[PPTP_SCCRP] = "Start-Control-Connection-Reply",
	[PPTP_STOPCCRQ] = "Stop-Control-Connection-Request",
	[PPTP_STOPCCRP] = "Stop-Control-Connection-Reply",
	[PPTP_ECHORQ] = "Echo-Request",
	[PPTP_ECHORP] = "Echo-Reply",
	[PPTP_OCRQ] = "Outgoing-Call-Request",
	[PPTP_OCRP] = "Outgoing-Call-Reply",
	[PPTP_ICRQ] = "Incoming-Call-Request",
	[PPTP_ICRP] = "Incoming-Call-Reply",
	[PPTP_ICCN] = "Incoming-Call-Connected",
	[PPTP_CCRQ] = "Call-Clear-Request",
	[PPTP_CDN] = "Call-Disconnect-Notify",
	[PPTP_WEN] = "WAN-Error-Notify",
	[PPTP_SLI] = "Set-Link-Info",
};

static const char *const type_abbrevs[] = {
	[PPTP_SCCRQ] = "SCCRQ", [PPTP_SCCRP] = "SCCRP",
	[PPTP_STOPCCRQ] = "StopCCRQ", [PPTP_STOPCCRP] = "StopCCRP",
	[PPTP_ECHORQ] = "ECHORQ", [PPTP_ECHORP] = "ECHORP",
	[PPTP_OCRQ] = "OCRQ", [PPTP_OCRP] = "OCRP",
	[PPTP_ICRQ] = "ICRQ", [PPTP_ICRP] = "ICRP", [PPTP_ICCN] = "ICCN",
	[PPTP_CCRQ] = "CCRQ", [PPTP_CDN] = "CDN",
	[PPTP_WEN] = "WEN", [PPTP_SLI] = "SLI",
};

const char *pptp_type_name(unsigned int type)
{
	return type < N(type_names) && type_names[type] ? type_names[type] : "?";
}

const char *pptp_type_abbrev(unsigned int type)
{
	return type < N(type_abbrevs) && type_abbrevs[type] ? type_abbrevs[type] : "?";
}

const char *pptp_status_str(enum pptp_status st)
{
	switch (st) {
	case PPTP_OK:
		return "ok";
	case PPTP_NEED_MORE:
		return "incomplete message";
	case PPTP_BAD_LENGTH:
		return "length outside 12..220";
	case PPTP_BAD_MSG_TYPE:
		return "PPTP message type is not 1 (control)";
	case PPTP_BAD_COOKIE:
		return "bad magic cookie (not 0x1A2B3C4D)";
	case PPTP_BAD_CTRL_TYPE:
		return "unknown control message type";
	case PPTP_BAD_TYPE_LENGTH:
		return "length does not match the message type";
	}
	return "?";
}

static const char *const sccrp_results[] = {
	[1] = "Successful channel establishment", [2] = "General error",
	[3] = "Command channel already exists", [4] = "Requester is not authorized",
	[5] = "The protocol version of the requester is not supported",
};
static const char *const ok_general[] = { [1] = "OK", [2] = "General error" };
static const char *const stop_reasons[] = {
	[1] = "General request to clear control connection",
	[2] = "Can't support peer's version of the protocol",
	[3] = "Requester is being shut down",
};
static const char *const ocrp_results[] = {
	[1] = "Connected", [2] = "General Error", [3] = "No Carrier",
	[4] = "Busy", [5] = "No Dial Tone", [6] = "Time-out",
	[7] = "Do Not Accept",
};
static const char *const icrp_results[] = {
	[1] = "Connect", [2] = "General Error", [3] = "Do Not Accept",
};
static const char *const cdn_results[] = {
	[1] = "Lost Carrier", [2] = "General Error", [3] = "Admin Shutdown",
	[4] = "Request",
};
static const char *const errors[] = {
	[0] = "None", [1] = "Not-Connected", [2] = "Bad-Format",
	[3] = "Bad-Value", [4] = "No-Resource", [5] = "Bad-Call ID",
	[6] = "PAC-Error",
};

#define PICK(tab, i) ((i) < N(tab) && (tab)[i] ? (tab)[i] : "unknown code")

const char *pptp_result_str(unsigned int type, unsigned int result)
{
	switch (type) {
	case PPTP_SCCRP:
		return PICK(sccrp_results, result);
	case PPTP_STOPCCRQ:
		return PICK(stop_reasons, result);
	case PPTP_STOPCCRP:
	case PPTP_ECHORP:
		return PICK(ok_general, result);
	case PPTP_OCRP:
		return PICK(ocrp_results, result);
	case PPTP_ICRP:
		return PICK(icrp_results, result);
	case PPTP_CDN:
		return PICK(cdn_results, result);
	}
	return "no result code in this message";
}

const char *pptp_error_str(unsigned int error)
{
	return PICK(errors, error);
}

const char *pptp_printable(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return out;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		int w;

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			w = snprintf(out + o, cap - o, "%c", c);
		else
			w = snprintf(out + o, cap - o, "\\x%02x", c);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
	out[o] = '\0';
	return out;
}
