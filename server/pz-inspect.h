/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The largest image the document inspector decodes, in megapixels: an A3
 * page scanned at 600 dpi is 70. Larger ones are refused from their header,
 * before a decoder allocates a byte for their pixels. */
#define PZ_INSPECT_MAX_MEGAPIXELS 100
