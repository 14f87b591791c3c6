#pragma once
// Labelling review document (issue 5).
