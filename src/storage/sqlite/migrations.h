// Versioned schema migrations for the SQLite backend. Migration N is applied
// once, in order, inside a transaction, and recorded in schema_migrations.
// Never edit a released migration: add the next one.
#pragma once

#include <string_view>
#include <vector>

namespace counterfoil::storage::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace counterfoil::storage::sqlite
