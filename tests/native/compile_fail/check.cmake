# One compile-fail test: SOURCE must compile with -DAIO_WELL_FORMED (so the failure is the misuse, not a
# broken file), and must fail to compile without it, with a diagnostic matching every `// expect: REGEX`
# line of the file (the concept named at the call, not an error deep inside a header).
#   cmake -DCXX=... -DFLAGS=a|b|c -DSOURCE=file.cpp -P check.cmake
string(REPLACE "|" ";" flags "${FLAGS}")
set(command ${CXX} ${flags} -fsyntax-only ${SOURCE})

execute_process(COMMAND ${command} -DAIO_WELL_FORMED RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the well-formed variant of ${SOURCE} does not compile:\n${out}")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but its misuse must be refused")
endif()
file(STRINGS ${SOURCE} expects REGEX "^// expect: ")
if(NOT expects)
  message(FATAL_ERROR "${SOURCE} has no `// expect: REGEX` line")
endif()
foreach(line IN LISTS expects)
  string(REGEX REPLACE "^// expect: " "" regex "${line}")
  if(NOT out MATCHES "${regex}")
    message(FATAL_ERROR "the diagnostic for ${SOURCE} does not match `${regex}`:\n${out}")
  endif()
endforeach()
message(STATUS "refused as expected: ${SOURCE}")
