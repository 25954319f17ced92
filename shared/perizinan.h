/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-calendar.h"
#include "pz-csv.h"
#include "pz-date.h"
#include "pz-json-writer.h"
#include "pz-permit-type.h"
#include "pz-roles.h"
#include "pz-validate.h"
#include "pz-vocabulary.h"
#include "pz-workflow.h"
