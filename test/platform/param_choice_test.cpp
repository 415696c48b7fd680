// paramChoice: an enumeration maps through a table of every choice; a choice the model does not
// handle is a located error, never a silent default.
#include "platform/core/param_choice.h"

#include <catch2/catch.hpp>

#include "platform/core/param_schema.h"

using Catch::Matchers::Contains;
using spatialvp::ConfigError;
using spatialvp::ConfigNode;
using spatialvp::paramChoice;
using spatialvp::ParamSchema;

TEST_CASE("paramChoice maps every choice and refuses one the table lacks", "[config]") {
  ParamSchema schema;
  schema.enumeration("order", {"descending", "ascending", "fa2"}, "update order")
      .byDefault("descending");
  const auto params = [&](const std::string& yaml) {
    return schema.validate(ConfigNode::parseYaml(yaml, "c.yaml"), "modules.m.params",
                           spatialvp::SourceLocation{"c.yaml", 1, 1});
  };
  CHECK(paramChoice<int>(params("order: ascending"), "order",
                         {{"descending", 0}, {"ascending", 1}, {"fa2", 2}}) == 1);
  // A table that forgot "fa2" (as if the schema had gained it later): located, names the rest.
  try {
    paramChoice<int>(params("order: fa2"), "order", {{"descending", 0}, {"ascending", 1}});
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK_THAT(std::string(error.what()),
               Contains("c.yaml:1:8") && Contains("modules.m.params.order") &&
                   Contains("'fa2' is not handled") && Contains("descending, ascending"));
  }
}
