<#-- pacha demo: the embedded master's own config -->
[DEFAULT]
pacha.master = True
pacha.hosts.path = ${hostsPath}
