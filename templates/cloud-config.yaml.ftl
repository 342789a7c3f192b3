#cloud-config
# ${comment}
# Writes pacha's config, the master's pinned host key and (unless secrets mode) the key for the
# master, and a per-instance script that starts the first-boot rebuild runner.
write_files:
<#list files as f>
  - path: ${f.path}
    owner: ${f.owner}
    permissions: '${f.permissions}'
<#if f.literal>
    content: |
${f.indented}
<#else>
    encoding: b64
    content: ${f.b64}
</#if>
</#list>
