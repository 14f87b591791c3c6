#pragma once

#include <map>
#include <string>

namespace ranker {

struct ModelWeights;

/**
 * Writes the ranker as an ONNX graph (opset 13): inputs input_a, input_b float32 [batch, F];
 * outputs score_diff, score_a, score_b float32 [batch]; the feature layout in metadata_props.
 * The graph standardises its raw inputs itself. The model passes onnx::checker before it is
 * written (temporary file, then rename).
 * @throw Error naming the file on a checker failure or a write failure.
 */
void writeOnnx(const std::string &path, const ModelWeights &weights,
               const std::map<std::string, std::string> &metadata);
/// The bytes writeOnnx writes. @throw Error naming `path` on a checker failure.
std::string onnxBytes(const std::string &path, const ModelWeights &weights,
                      const std::map<std::string, std::string> &metadata);

/// Runs onnx::checker on a file. @return an empty string if it passes, else the checker's reason.
std::string checkOnnxFile(const std::string &path);

} // namespace ranker
