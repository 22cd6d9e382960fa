# Helpers in the spirit of abseil's absl_cc_library / absl_cc_test.
#
#   cf_library(NAME common SRCS status.cc ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
#     defines counterfoil_<NAME> with the alias counterfoil::<NAME>; headers are
#     included as "common/status.h" relative to src/.
#   cf_test(NAME common_test SRCS status_test.cc DEPS counterfoil::common)
#     defines a GoogleTest executable registered with CTest (gtest_discover_tests).
function(cf_library)
  cmake_parse_arguments(CF "" "NAME" "SRCS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(counterfoil_${CF_NAME} STATIC ${CF_SRCS})
  add_library(counterfoil::${CF_NAME} ALIAS counterfoil_${CF_NAME})
  target_include_directories(counterfoil_${CF_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(counterfoil_${CF_NAME} PUBLIC ${CF_PUBLIC_DEPS} PRIVATE ${CF_PRIVATE_DEPS})
endfunction()

include(GoogleTest)
function(cf_test)
  cmake_parse_arguments(CF "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT COUNTERFOIL_BUILD_TESTS)
    return()
  endif()
  add_executable(${CF_NAME} ${CF_SRCS})
  target_link_libraries(${CF_NAME} PRIVATE ${CF_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${CF_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${CF_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${CF_LABELS}")
endfunction()
