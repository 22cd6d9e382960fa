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

# cf_fuzz(NAME json_fuzz SRCS json_fuzz.cc DEPS counterfoil::common CORPUS dir)
#   With -DCOUNTERFOIL_BUILD_FUZZ=ON and clang: a libFuzzer binary (`make fuzz`).
#   Otherwise: <NAME>_replay, the same target linked with tests/fuzz/standalone_driver.cc,
#   registered with CTest (label "fuzz") to replay the corpus plus deterministic mutations.
option(COUNTERFOIL_BUILD_FUZZ "Build libFuzzer targets (clang)" OFF)
function(cf_fuzz)
  cmake_parse_arguments(CF "" "NAME;CORPUS" "SRCS;DEPS" ${ARGN})
  if(COUNTERFOIL_BUILD_FUZZ)
    add_executable(${CF_NAME} ${CF_SRCS})
    target_link_libraries(${CF_NAME} PRIVATE ${CF_DEPS})
    target_compile_options(${CF_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${CF_NAME} PRIVATE -fsanitize=fuzzer)
  elseif(COUNTERFOIL_BUILD_TESTS)
    add_executable(${CF_NAME}_replay ${CF_SRCS} ${PROJECT_SOURCE_DIR}/tests/fuzz/standalone_driver.cc)
    target_link_libraries(${CF_NAME}_replay PRIVATE ${CF_DEPS})
    add_test(NAME ${CF_NAME} COMMAND ${CF_NAME}_replay ${CF_CORPUS} 20000)
    set_tests_properties(${CF_NAME} PROPERTIES LABELS fuzz)
  endif()
endfunction()
