# Embeds docs/*.md pages in the netprobe binary, so every report can carry them beside itself
# (report/docs_pages.h). Runs at configure time; a changed page re-runs the configuration.
function(netprobe_embed_docs output)
  set(pages PROBES GLOSSARY READING_RESULTS USER_MODELS LOWRANK)
  set(entries "")
  foreach(page ${pages})
    set(file ${CMAKE_SOURCE_DIR}/docs/${page}.md)
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    file(READ ${file} text)
    string(FIND "${text}" ")netprobe_doc\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${file} contains the raw-string delimiter )netprobe_doc\"")
    endif()
    string(APPEND entries "      {\"${page}\", R\"netprobe_doc(${text})netprobe_doc\"},\n")
  endforeach()
  file(WRITE ${output}.new "// Generated from docs/*.md by cmake/embed_docs.cmake: do not edit.
#include \"report/docs_pages.h\"

namespace netprobe::report {

const std::vector<DocPage>& doc_pages() {
  static const std::vector<DocPage> pages = {
${entries}  };
  return pages;
}

}  // namespace netprobe::report
")
  configure_file(${output}.new ${output} COPYONLY)  # rewritten only when a page changed
endfunction()
