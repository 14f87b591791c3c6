#pragma once
// Run history support (issue 4).
