module github.com/go-storages/storage

go 1.25
